// errors.cc - the shim: status names, the last error, the Xapian version,
// and which Xapian errors say the system ran short of a resource.
#include "internal.h"

// ---------------------------------------------------------- the message

namespace {

// This thread's message (internal.h): a char array, constant-initialised
// and trivially destructible, so that using it in a new thread registers
// no TLS destructor and allocates nothing (in a library loaded at
// program start it is part of each thread's static TLS).
thread_local char t_message[shim::kMessageRoom];

// Appends to t_message; what does not fit is cut at a UTF-8 character
// boundary, and nothing is appended after a cut.
class MessageWriter {
  public:
    MessageWriter() noexcept { t_message[0] = '\0'; }
    ~MessageWriter() { t_message[used] = '\0'; }
    void put(const char *s, size_t n) noexcept
    {
        if (full || n == 0)
            return;
        size_t room = sizeof t_message - 1 - used;
        if (n > room) {
            n = room;
            while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80)
                n--;
            full = true;
        }
        std::memcpy(t_message + used, s, n);
        used += n;
    }
    void put(const char *s) noexcept { put(s, s ? std::strlen(s) : 0); }
    void put(const std::string &s) noexcept { put(s.data(), s.size()); }

  private:
    size_t used = 0;
    bool full = false;
};

}  // namespace

void shim::set_message(const char *type, const char *fn,
                       const char *msg) noexcept
{
    MessageWriter w;
    w.put(type);
    w.put(": ");
    if (fn) {
        w.put(fn);
        w.put(": ");
    }
    w.put(msg);
}

// Xapian 1.4's Error::get_description(), part by part.
void shim::set_message(const Xapian::Error &e) noexcept
{
    const char *errstr = nullptr;
    try {
        errstr = e.get_error_string();   // made on first use: may allocate
    } catch (...) {
    }
    MessageWriter w;
    w.put(e.get_type());
    w.put(": ");
    w.put(e.get_msg());
    if (!e.get_context().empty()) {
        w.put(" (context: ");
        w.put(e.get_context());
        w.put(")");
    }
    if (errstr) {
        w.put(" (");
        w.put(errstr);
        w.put(")");
    }
}

void shim::touch_message() noexcept
{
    t_message[sizeof t_message - 1] = '\0';
}

// ------------------------------------------------------- out of resources

namespace {

// The text Xapian gives errno `e` (get_error_string()): glibc's
// untranslated description, as Xapian 1.4 takes it (strerrordesc_np),
// else strerror.
const char *errno_text(int e) noexcept
{
#if defined(__GLIBC__) && \
    (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
    const char *text = strerrordesc_np(e);
    return text ? text : "";
#else
    return std::strerror(e);
#endif
}

}  // namespace

// Whether `e` says a system call failed for want of a resource: file
// descriptors (EMFILE, ENFILE), memory (ENOMEM), room (ENOSPC, EDQUOT,
// EFBIG). Such an error says nothing about the database, whatever
// Xapian's class for it: a table that cannot be opened or created while
// descriptors run out, or a commit's new revision file, is a
// DatabaseOpeningError ("Couldn't write new rev file: X/v.tmp (Too many
// open files)"). Xapian 1.4 keeps the errno private; its text is
// get_error_string(), and a DatabaseError wrapping a failed commit quotes
// the first error's ("Modifications failed (... (Too many open files)),
// and couldn't open at the old revision: ..."). A write lock not taken
// for want of descriptors says so in words alone.
bool shim::out_of_resources(const Xapian::Error &e) noexcept
{
    static const int kinds[] = {EMFILE, ENFILE, ENOMEM, ENOSPC, EDQUOT, EFBIG};
    static const char fdlimit[] = ": too many open files";
    const std::string &msg = e.get_msg();
    const char *own = nullptr;
    try {
        own = e.get_error_string();   // made on first use: may allocate
    } catch (...) {
    }
    for (int kind : kinds) {
        const char *text = errno_text(kind);
        size_t n = std::strlen(text);
        if (own && std::strcmp(own, text) == 0)
            return true;
        for (size_t at = msg.find(text); n && at != std::string::npos;
             at = msg.find(text, at + 1))
            if (at > 0 && msg[at - 1] == '(' && msg.size() > at + n &&
                msg[at + n] == ')')
                return true;
    }
    return std::strcmp(e.get_type(), "DatabaseLockError") == 0 &&
           msg.size() >= sizeof fdlimit - 1 &&
           msg.compare(msg.size() - (sizeof fdlimit - 1), sizeof fdlimit - 1,
                       fdlimit) == 0;
}

// -------------------------------------------------------------------- misc

const char *xap_status_name(xap_status status)
{
    switch (raw(status)) {
    case XAP_OK: return "OK";
    case XAP_ERR_NOMEM: return "ERR_NOMEM";
    case XAP_ERR_INVALID_ARG: return "ERR_INVALID_ARG";
    case XAP_ERR_DB_NOT_FOUND: return "ERR_DB_NOT_FOUND";
    case XAP_ERR_DB_OPENING: return "ERR_DB_OPENING";
    case XAP_ERR_DB_LOCKED: return "ERR_DB_LOCKED";
    case XAP_ERR_DB_CORRUPT: return "ERR_DB_CORRUPT";
    case XAP_ERR_DB_VERSION: return "ERR_DB_VERSION";
    case XAP_ERR_DB_MODIFIED: return "ERR_DB_MODIFIED";
    case XAP_ERR_DB_CLOSED: return "ERR_DB_CLOSED";
    case XAP_ERR_DB: return "ERR_DB";
    case XAP_ERR_RESOURCE: return "ERR_RESOURCE";
    case XAP_ERR_DOC_NOT_FOUND: return "ERR_DOC_NOT_FOUND";
    case XAP_ERR_QUERY_PARSE: return "ERR_QUERY_PARSE";
    case XAP_ERR_NETWORK: return "ERR_NETWORK";
    case XAP_ERR_UNIMPLEMENTED: return "ERR_UNIMPLEMENTED";
    case XAP_ERR_RANGE: return "ERR_RANGE";
    case XAP_ERR_WILDCARD: return "ERR_WILDCARD";
    case XAP_ERR_QUERY_GRAMMAR: return "ERR_QUERY_GRAMMAR";
    case XAP_ERR_XAPIAN: return "ERR_XAPIAN";
    case XAP_ERR_UNKNOWN: return "ERR_UNKNOWN";
    }
    return "INVALID_STATUS";
}

const char *xap_last_error(void)
{
    return t_message;
}

const char *xap_version_string(void)
{
    return Xapian::version_string();
}

