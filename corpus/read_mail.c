/*
 * read_mail.c - mail and Usenet messages (.eml, and files without an
 * extension that open with a mail header block: MH folders, maildir, news
 * spools): one article per file, parsed with GMime 3. An mbox of several
 * messages is read as its first one, with a warning (first_message_len).
 *
 *   From: Ann Writer <ann@example.org>      <- author: the display name,
 *   Subject: Talks resume in Doha              else the address
 *   Date: Fri, 24 Nov 2023 09:30:00 +0200   <- date (the day as written)
 *   Newsgroups: talk.politics.mideast       <- tags, one per group
 *   Content-Type: text/plain; charset=utf-8
 *
 *   Body ...                                <- the text
 *
 * Subject is the title. Headers are never body text. The body is the text
 * of every text part that is not an attachment and has no file name, in
 * order (collect_text): text/plain, text/html, every other text subtype
 * read as text/plain (RFC 2046 4.1.4: text/x-usenet-FAQ, text/enriched)
 * but those that are data (text/calendar, text/vcard, text/csv,
 * text/rtf, ...: data_subtype), and a part whose Content-Type is no
 * valid type/subtype, read as text/plain; charset=us-ascii (RFC 2045
 * 5.2: "text", "setext/plain": untyped). Of a multipart/alternative one
 * version: the plain one if it has text, else the HTML one (an empty
 * plain part beside it is no version), else one of another text subtype.
 * HTML is read through the HTML reader for all its visible text (none of
 * it is a title). Attached messages (message/rfc822) and other
 * attachments are not read. A message whose parts hold something but no
 * text (an image, a PDF, an invitation) is indexed without a body, with
 * a warning naming their types (warn_no_text).
 * GMime decodes the transfer encodings (base64, quoted-printable),
 * RFC 2047 encoded words in headers and the declared charsets, but for
 * UTF-8 and ASCII, whose bytes we decode ourselves: GMime drops the bytes
 * that do not fit them, and old posts that declare us-ascii often carry
 * 8-bit text. Text that is not UTF-8 is read as Windows-1252
 * (corpus_text_to_utf8), like every other format. Text labelled
 * ISO-8859-1 (latin1) is read as Windows-1252, as browsers read it (the
 * WHATWG Encoding Standard): Outlook labels its curly quotes and dashes
 * (bytes 80..9F) so. GMime decodes such a label as ISO-8859-1, which
 * makes those bytes C1 controls; no text means one, so in the body and
 * the headers every C1 control is read as the Windows-1252 character of
 * its byte (corpus_c1_as_cp1252), whatever the label that gave it. A
 * part labelled with an 8-bit single-byte charset (latin1, Windows-1252,
 * latin2, KOI8-R, Windows-1251, ...) whose bytes are valid UTF-8 beyond
 * ASCII is read as UTF-8 (part_text, which says why real text in them
 * is almost never taken for UTF-8), and so is such an encoded word of a
 * header (relabel_utf8_words). An encoded word labelled UTF-8 or ASCII,
 * with a label that says the charset is not known (x-unknown,
 * unknown-8bit) or with one GMime cannot convert (x-user-defined, a
 * made-up name) is read as such a text part is: UTF-8, else
 * Windows-1252, nothing dropped. GMime decodes adjacent B words of one
 * charset as one base64 text and stops at '=' padding inside it ("Café"
 * of "=?utf-8?B?Q2Fmw6k=?= =?utf-8?B?IG5hw692ZQ==?="): such words are
 * first rewritten as one (join_b_runs).
 * Quoted lines ("> ...") are kept. Text sent format=flowed (RFC 3676)
 * has its soft line breaks joined (flowed_text).
 *
 * Hostile input: the file is already bounded by corpus_options.max_bytes
 * and holds no NUL byte (read.c); GMime's parser nests multiparts at most
 * 1024 deep and our own walk of the parts stops at MAX_PART_DEPTH, so
 * neither can exhaust the stack; the body is read from MAX_TEXT_PARTS
 * text parts at most. GMime is initialised once, thread-safely.
 *
 * GMime is not linked: it is loaded (loadlib.c) when the first message
 * is parsed (see "GMime, loaded on demand" below). With GLib, GObject,
 * GIO and gpgme behind it, it is 15 libraries whose loading, relocation
 * and constructors took 5.5M of the 8.6M instructions that gazette-query
 * spent starting (docs/performance.md, "One-shot gazette-query").
 */
#include "ascii.h"
#include "buf.h"
#include "corpus.h"
#include "corpus_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <gmime/gmime.h>
#include <iconv.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

/* Deepest nesting of multiparts searched for the text. */
#define MAX_PART_DEPTH 64

/* Most text parts read for the body. A message has a few; a hostile one
 * a million, each HTML part costing a parse (some 60 us): the rest are
 * left out. */
#define MAX_TEXT_PARTS 1000

/* How much of a file corpus_probe_mail() reads. */
#define PROBE_BYTES (64 * 1024)

/* ------------------------------------------------------ header sniffing */

/* 1 when [p, eol) is a header field "Name: value": a name of printable
 * ASCII other than ':' (RFC 5322 ftext), then ':'. Its name's length goes
 * to *nlen. */
static int field_line(const char *p, const char *eol, size_t *nlen)
{
    const char *q = p;
    while (q < eol && *q != ':' && (unsigned char)*q > 32 &&
           (unsigned char)*q < 127)
        q++;
    if (q == p || q == eol || *q != ':')
        return 0;
    *nlen = (size_t)(q - p);
    return 1;
}

/* 1 when the field name [p, p+n) is one only mail and news carry. */
static int mail_field(const char *p, size_t n)
{
    static const char *const names[] = {"from", "subject", "newsgroups",
                                        "message-id"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        size_t k = strlen(names[i]);
        if (n != k)
            continue;
        size_t j = 0;
        while (j < k && (p[j] | 0x20) == names[i][j])
            j++;
        if (j == k)
            return 1;
    }
    return 0;
}

/* Lines before the first header field that a message may carry: an mbox
 * "From " envelope line, and indented lines left over from a header cut
 * off above them (20 Newsgroups files often start with the tail of a
 * folded "Path:" header). At most this many of the latter. */
#define MAX_PREAMBLE_LINES 8

/* Offset of the first header field of [text, text+len), past the lines
 * described above. */
static size_t preamble_len(const char *text, size_t len)
{
    const char *p = text, *end = text + len;
    if (len >= 5 && memcmp(p, "From ", 5) == 0) {      /* mbox envelope */
        const char *nl = memchr(p, '\n', len);
        p = nl ? nl + 1 : end;
    }
    for (int i = 0; i < MAX_PREAMBLE_LINES && p < end &&
                    (*p == ' ' || *p == '\t'); i++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            break;
        const char *q = p;
        while (q < nl && (*q == ' ' || *q == '\t' || *q == '\r'))
            q++;
        if (q == nl)
            break;                      /* a blank line is no header */
        p = nl + 1;
    }
    return (size_t)(p - text);
}

/* 1 when a header block of `fields` fields, `known` of them From,
 * Subject, Newsgroups or Message-ID, is a mail's: see header_block_len. */
static int enough_fields(int fields, int known, int sniff)
{
    return sniff ? fields >= 2 && known : fields >= 1;
}

/* Length of the mail header block that opens [text, text+len), as
 * corpus_mail_header_len (see corpus_internal.h) judges it when `sniff`,
 * for text that may be anything; else one header field is enough, for a
 * file whose name says it is mail (.eml): "Subject: Notes" and a body. */
static size_t header_block_len(const char *text, size_t len, int sniff)
{
    const char *end = text + len;
    const char *p = text + preamble_len(text, len);
    int fields = 0, known = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        const char *next = nl ? nl + 1 : end;
        const char *e = eol;
        if (e > p && e[-1] == '\r')
            e--;
        size_t nlen;
        if (e == p)                              /* the blank line */
            return enough_fields(fields, known, sniff) ? (size_t)(next - text)
                                                       : 0;
        if (*p == ' ' || *p == '\t') {
            if (!fields)
                return 0;                        /* continuation of nothing */
        } else if (field_line(p, e, &nlen)) {
            fields++;
            known |= mail_field(p, nlen);
        } else {
            return 0;
        }
        p = next;
    }
    /* the header runs to the end of what we have */
    return enough_fields(fields, known, sniff) ? len : 0;
}

/* corpus_mail_header_len - see corpus_internal.h. */
size_t corpus_mail_header_len(const char *text, size_t len)
{
    return header_block_len(text, len, 1);
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* 1 when the line [p, eol) is an mbox envelope line: "From ", the sender
 * (one word), then a date with its time of day ("From a@x Fri Nov  3
 * 10:00:00 2023"). A line of text such as "From the minutes: ..." has no
 * time. */
static int envelope_line(const char *p, const char *eol)
{
    if (eol - p < 5 || memcmp(p, "From ", 5) != 0)
        return 0;
    const char *q = p + 5, *sender = q;
    while (q < eol && *q != ' ' && *q != '\t')
        q++;
    if (q == sender)
        return 0;
    for (; eol - q >= 4; q++)                            /* "H:MM" */
        if (is_digit(q[0]) && q[1] == ':' && is_digit(q[2]) &&
            is_digit(q[3]))
            return 1;
    return 0;
}

/* The start of the next message of an mbox in [p, end): an envelope line
 * (envelope_line) after a blank line, a mail header block after it (a
 * message, not a line of text: mbox writers quote a body's "From " as
 * ">From "); NULL when there is none. */
static const char *mbox_next(const char *p, const char *end)
{
    for (const char *nl = memchr(p, '\n', (size_t)(end - p)); nl;
         nl = memchr(nl + 1, '\n', (size_t)(end - nl - 1))) {
        const char *line = nl + 1;
        if (nl == p || nl[-1] != '\n' || end - line < 5)
            continue;
        const char *eol = memchr(line, '\n', (size_t)(end - line));
        if (envelope_line(line, eol ? eol : end) &&
            header_block_len(line, (size_t)(end - line), 1) > 0)
            return line;
    }
    return NULL;
}

/* The length of the first message of [text, text+len): all of it, but
 * when it is an mbox (an envelope line first) of several, the bytes
 * before the second's envelope line. *messages counts them. An mbox is
 * one article, as every mail file is: its messages have no ids of their
 * own (a JSON Lines file's "path#id" is known by its name to hold
 * several, before it is read; "Inbox", without an extension, is not). */
static size_t first_message_len(const char *text, size_t len,
                                size_t *messages)
{
    const char *end = text + len;
    const char *nl = memchr(text, '\n', len);
    *messages = 1;
    if (!nl || !envelope_line(text, nl))
        return len;
    const char *second = mbox_next(nl, end);
    for (const char *m = second; m; m = mbox_next(m, end))
        ++*messages;
    return second ? (size_t)(second - text) : len;
}

/* Read up to `max` bytes of the open file `fd` (which this closes) into
 * buf, gunzipped when `gz`. Returns the bytes read, or -1 with `why`
 * worded when the file cannot be read: then the file is read in full
 * later and reported (a probe that said "not mail" instead would have
 * its articles removed). A ".gz" name whose bytes are not gzip data gives
 * 0: not mail, ignored as before (zlib would read it as it is). A gzip
 * stream that breaks off gives what came before the break. */
static long read_head(int fd, int gz, char *buf, size_t max, char *why,
                      size_t whylen)
{
    if (gz) {
        int magic = corpus_gzip_magic(fd);
        if (magic < 0)
            corpus_why(why, whylen, CORPUS_SKIP_UNREADABLE, "read: %s",
                       strerror(errno));
        if (magic != 1) {
            close(fd);
            return magic;
        }
        gzFile z = gzdopen(fd, "rb");
        if (!z) {
            close(fd);
            corpus_why(why, whylen, CORPUS_ERR_NOMEM, "out of memory");
            return -1;
        }
        int got = gzread(z, buf, (unsigned)max);
        int zerr = Z_OK;
        const char *msg = got < 0 ? gzerror(z, &zerr) : NULL;
        if (got < 0)
            corpus_why(why, whylen, CORPUS_SKIP_BAD_GZIP, "gzip: %s",
                       msg ? msg : "cannot be read");
        gzclose(z);
        return got < 0 ? -1 : got;
    }
    size_t len = 0;
    while (len < max) {
        ssize_t got = read(fd, buf + len, max - len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            corpus_why(why, whylen, CORPUS_SKIP_UNREADABLE, "read: %s",
                       strerror(errno));
            close(fd);
            return -1;
        }
        if (got == 0)
            break;
        len += (size_t)got;
    }
    close(fd);
    return (long)len;
}

/* corpus_probe_mail - see corpus.h. */
int corpus_probe_mail(const corpus_file *file, char *why, size_t whylen)
{
    int fd = open(file->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        int e = errno;
        corpus_why(why, whylen, corpus_errno_is_exhaustion(e)
                                    ? CORPUS_ERR_RESOURCES
                                    : CORPUS_SKIP_UNREADABLE,
                   "open: %s", strerror(e));
        errno = e;
        return -1;
    }
    char *buf = malloc(PROBE_BYTES);
    if (!buf) {
        close(fd);
        corpus_why(why, whylen, CORPUS_ERR_NOMEM, "out of memory");
        return -1;
    }
    size_t n = strlen(file->relpath);
    int gz = n > 3 && strcmp(file->relpath + n - 3, ".gz") == 0;
    long got = read_head(fd, gz, buf, PROBE_BYTES, why, whylen);
    if (got < 0) {
        free(buf);
        return -1;
    }
    size_t len = (size_t)got;
    size_t skip = len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    int binary = memchr(buf, 0, len) != NULL;
    int mail = !binary && corpus_mail_header_len(buf + skip, len - skip) > 0;
    free(buf);
    if (!mail)
        corpus_why(why, whylen, CORPUS_NOT_ARTICLE,
                   binary ? "no known extension, and binary data (a NUL byte)"
                          : "no known extension and no mail header block");
    return mail;
}

/* ---------------------------------------------- GMime, loaded on demand */

/*
 * Every GMime, GObject and GLib function this file calls. They are looked
 * up (dlsym) in libgmime and the libraries it brings when the first
 * message is parsed, and called through `gm` below under their own names:
 * gm.g_mime_init(). The types come from GMime's header (__typeof__), so
 * the compiler checks every call as if the library were linked. GMime's
 * type-check macros (GMIME_IS_MULTIPART, GMIME_PART, ...) would call the
 * library directly: is_a() and plain casts stand in for them.
 */
#define GMIME_FUNCTIONS(F)                                                   \
    F(g_mime_init)                                                           \
    F(g_mime_parser_options_new)                                             \
    F(g_mime_parser_options_free)                                            \
    F(g_mime_parser_options_set_rfc2047_compliance_mode)                     \
    F(g_mime_parser_options_set_address_compliance_mode)                     \
    F(g_mime_parser_options_set_fallback_charsets)                           \
    F(g_mime_stream_mem_new_with_buffer)                                     \
    F(g_mime_parser_new_with_stream)                                         \
    F(g_mime_parser_set_format)                                              \
    F(g_mime_parser_construct_message)                                       \
    F(g_mime_message_get_mime_part)                                          \
    F(g_mime_message_get_subject)                                            \
    F(g_mime_message_get_from)                                               \
    F(g_mime_message_get_date)                                               \
    F(g_mime_object_get_header)                                              \
    F(g_mime_object_get_content_type)                                        \
    F(g_mime_content_type_is_type)                                           \
    F(g_mime_content_type_get_parameter)                                     \
    F(g_mime_content_type_get_media_type)                                    \
    F(g_mime_content_type_get_media_subtype)                                 \
    F(g_mime_multipart_get_type)                                             \
    F(g_mime_multipart_get_count)                                            \
    F(g_mime_multipart_get_part)                                             \
    F(g_mime_part_get_type)                                                  \
    F(g_mime_part_is_attachment)                                             \
    F(g_mime_part_get_filename)                                              \
    F(g_mime_text_part_get_type)                                             \
    F(g_mime_text_part_get_text)                                             \
    F(g_mime_text_part_get_charset)                                          \
    F(g_mime_charset_iconv_name)                                             \
    F(g_mime_charset_canon_name)                                             \
    F(g_mime_part_get_content)                                               \
    F(g_mime_data_wrapper_write_to_stream)                                   \
    F(g_mime_stream_mem_new)                                                 \
    F(g_mime_stream_mem_get_byte_array)                                      \
    F(internet_address_list_length)                                          \
    F(internet_address_list_get_address)                                     \
    F(internet_address_get_name)                                             \
    F(internet_address_mailbox_get_type)                                     \
    F(internet_address_mailbox_get_addr)                                     \
    F(g_type_check_instance_is_a)                                            \
    F(g_object_unref)                                                        \
    F(g_date_time_get_ymd)                                                   \
    F(g_free)

#define GMIME_POINTER(name) __typeof__(&name) name;
static struct {
    GMIME_FUNCTIONS(GMIME_POINTER)
} gm;
#undef GMIME_POINTER

#define GMIME_SYMBOL(name) CORPUS_LIB_SYMBOL(gm, name),
static const corpus_lib_symbol gmime_symbols[] = {
    GMIME_FUNCTIONS(GMIME_SYMBOL)
};
#undef GMIME_SYMBOL

/* Run once GMime is bound. GMime's init asks gpgme for its version, and
 * gpgme then ignores SIGPIPE for the whole process (it writes to gpg
 * through pipes): the library must not change how the program that
 * embeds it handles signals, and Gazette never calls gpg, so the
 * disposition is put back. */
static void gmime_init(void)
{
    struct sigaction pipe_action;
    int saved = sigaction(SIGPIPE, NULL, &pipe_action) == 0;
    gm.g_mime_init();
    if (saved)
        sigaction(SIGPIPE, &pipe_action, NULL);
}

/* GMime, loaded (loadlib.c) when the first message is parsed. Its soname
 * is set by corpus/CMakeLists.txt from the libgmime that the build found
 * (what the linker would have recorded); tests may name another
 * (corpus_mail_set_library). It is never unloaded: GObject types cannot
 * be. */
static corpus_lib gmime = {
    .soname = GAZETTE_GMIME_SONAME,
    .purpose = "GMime to read mail",
    .symbols = gmime_symbols,
    .nsymbols = sizeof gmime_symbols / sizeof gmime_symbols[0],
    .init = gmime_init,
};

/* corpus_mail_set_library - see corpus_internal.h. */
void corpus_mail_set_library(const char *soname)
{
    gmime.soname = soname;
}

/* corpus_mail_library_loaded - see corpus_internal.h. */
int corpus_mail_library_loaded(void)
{
    return corpus_lib_loaded(&gmime);
}

/* 1 when the GObject `obj` is an instance of `type` (or derived from it):
 * what GMime's GMIME_IS_* macros test. */
static int is_a(const void *obj, GType type)
{
    return obj && gm.g_type_check_instance_is_a((GTypeInstance *)obj, type);
}

/* Parser options: RFC 2047 and addresses read leniently (real mail breaks
 * both), and 8-bit headers with no declared charset tried as UTF-8, then
 * Windows-1252. Caller frees with gm.g_mime_parser_options_free(). */
static GMimeParserOptions *parser_options(void)
{
    static const char *fallback[] = {"UTF-8", "windows-1252", NULL};
    GMimeParserOptions *o = gm.g_mime_parser_options_new();
    gm.g_mime_parser_options_set_rfc2047_compliance_mode(
        o, GMIME_RFC_COMPLIANCE_LOOSE);
    gm.g_mime_parser_options_set_address_compliance_mode(
        o, GMIME_RFC_COMPLIANCE_LOOSE);
    gm.g_mime_parser_options_set_fallback_charsets(o, fallback);
    return o;
}

/* Parse [data, data+len) as one message; NULL when GMime cannot. The
 * caller unrefs the message. */
static GMimeMessage *parse_message(const char *data, size_t len)
{
    GMimeStream *stream = gm.g_mime_stream_mem_new_with_buffer(data, len);
    GMimeParser *parser = gm.g_mime_parser_new_with_stream(stream);
    gm.g_object_unref(stream);
    gm.g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
    GMimeParserOptions *o = parser_options();
    GMimeMessage *msg = gm.g_mime_parser_construct_message(parser, o);
    gm.g_mime_parser_options_free(o);
    gm.g_object_unref(parser);
    return msg;
}

/* ------------------------------------------------------------- the text */

/* How a part that makes the body is read. */
typedef enum text_kind {
    TEXT_PLAIN,       /* text/plain */
    TEXT_UNTYPED,     /* a Content-Type that is no valid type/subtype
                       * (untyped): text/plain; charset=us-ascii */
    TEXT_OTHER,       /* another text subtype, read as text/plain */
    TEXT_HTML         /* text/html, through the HTML reader */
} text_kind;

/* The text parts that make the body, in the message's order. */
typedef struct text_part {
    GMimePart *part;
    text_kind kind;
    int blank;               /* text (not HTML) that is only white space:
                              * 1; that is not: 0; not looked at yet: -1 */
} text_part;

typedef struct part_list {
    text_part *v;
    size_t n, cap;
    int nomem;
} part_list;

static void list_add(part_list *l, text_part part)
{
    if (l->nomem || l->n >= MAX_TEXT_PARTS)
        return;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 4;
        text_part *v = realloc(l->v, cap * sizeof *v);
        if (!v) {
            l->nomem = 1;
            return;
        }
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = part;
}

static char *part_text(GMimePart *part, int untyped, size_t *len);

/* 1 when the text part `t` (not HTML) holds only white space (an empty
 * part, a zero-byte base64 one), 0 when not, -1 when out of memory.
 * Decoded once: the answer is kept in t->blank for the alternatives
 * around it. */
static int text_is_blank(text_part *t)
{
    if (t->blank < 0) {
        size_t n = 0;
        char *text = part_text(t->part, t->kind == TEXT_UNTYPED, &n);
        if (!text)
            return -1;
        t->blank = 1;
        for (size_t i = 0; i < n && t->blank; i++)
            t->blank = corpus_is_space((unsigned char)text[i]);
        free(text);
    }
    return t->blank;
}

/* The rank of the version a multipart/alternative is read for: no
 * better one can come. */
#define RANK_PLAIN 4

/* How good the version `l` of a multipart/alternative is: RANK_PLAIN
 * when it holds plain text (text/plain, or a part of no valid type) that
 * is not blank, 3 when it holds HTML, 2 when it holds text of another
 * subtype that is not blank (text/enriched, AMP's text/x-amp-html: markup
 * read as plain text, the last resort), 1 when its only text is blank
 * (the empty plain part some mailers and newsletter tools send beside
 * the HTML one: no version of the message), 0 when it holds none; -1
 * when out of memory. */
static int alternative_rank(part_list *l)
{
    int rank = l->n ? 1 : 0;
    for (size_t i = 0; i < l->n; i++) {
        text_part *t = &l->v[i];
        if (t->kind == TEXT_HTML) {
            rank = rank > 3 ? rank : 3;
            continue;
        }
        int blank = text_is_blank(t);
        if (blank < 0)
            return -1;
        if (blank)
            continue;
        if (t->kind != TEXT_OTHER)
            return RANK_PLAIN;
        rank = rank > 2 ? rank : 2;
    }
    return rank;
}

/* 1 when `name` is one of the `n` names, in any case. */
static int name_in(const char *name, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (gz_ascii_case_equal(name, names[i]))
            return 1;
    return 0;
}

/* 1 when `type` is a top-level media type that RFC 2045 5.1 allows: one
 * registered with IANA, or an "x-" one. */
static int valid_media_type(const char *type)
{
    static const char *const names[] = {
        "text", "image", "audio", "video", "application", "multipart",
        "message", "model", "font", "example", "haptics"};
    if ((type[0] | 0x20) == 'x' && type[1] == '-' && type[2])
        return 1;
    return name_in(type, names, sizeof names / sizeof names[0]);
}

/*
 * untyped - 1 when the Content-Type of `obj` is no valid type/subtype:
 * one GMime reads no type/subtype out of ("text", "text plain", ";", "":
 * it then says application/octet-stream), or one whose top-level type
 * is neither registered nor "x-" (RFC 2045 5.1: "setext/plain", as
 * comp.graphics/38753 of 20 Newsgroups is sent). Such a part is
 * text/plain; charset=us-ascii, its parameters ignored (RFC 2045 5.2).
 * A part without a Content-Type has GMime's default (text/plain,
 * message/rfc822 in a digest).
 */
static int untyped(GMimeObject *obj)
{
    const char *raw = gm.g_mime_object_get_header(obj, "Content-Type");
    if (!raw)
        return 0;
    const char *type = gm.g_mime_content_type_get_media_type(
        gm.g_mime_object_get_content_type(obj));
    size_t n = type ? strlen(type) : 0;
    while (corpus_is_space((unsigned char)*raw))
        raw++;
    if (n == 0 || !gz_ascii_ncase_eq(raw, type, n))
        return 1;                 /* GMime's fallback, not the header's */
    const char *slash = raw + n;
    while (corpus_is_space((unsigned char)*slash))
        slash++;
    return *slash != '/' || !valid_media_type(type);
}

/* 1 when the text subtype `sub` is data rather than prose: read as text
 * it would fill the body with fields, cells, markup or code (a calendar
 * invitation, a vCard, a table, RTF, a style sheet, a script, XML), or
 * with the headers of another message (text/rfc822-headers in a bounce,
 * RFC 6522), which are never body text. */
static int data_subtype(const char *sub)
{
    static const char *const names[] = {
        "calendar", "x-vcalendar", "vcard", "x-vcard", "directory", "csv",
        "x-csv", "comma-separated-values", "tab-separated-values", "rtf",
        "css", "javascript", "ecmascript", "xml", "rfc822-headers"};
    return name_in(sub, names, sizeof names / sizeof names[0]);
}

/* How the part `obj` is read for the body (text_kind), -1 when it is not
 * text: text/plain, text/html, a part of no valid type (untyped), and
 * every other text subtype but data (RFC 2046 4.1.4: an unrecognised
 * text subtype is read as text/plain; text/x-usenet-FAQ, text/enriched,
 * text/markdown). */
static int text_kind_of(GMimeObject *obj)
{
    if (untyped(obj))
        return TEXT_UNTYPED;
    GMimeContentType *ct = gm.g_mime_object_get_content_type(obj);
    if (!gm.g_mime_content_type_is_type(ct, "text", "*"))
        return -1;
    if (gm.g_mime_content_type_is_type(ct, "text", "plain"))
        return TEXT_PLAIN;
    if (gm.g_mime_content_type_is_type(ct, "text", "html"))
        return TEXT_HTML;
    const char *sub = gm.g_mime_content_type_get_media_subtype(ct);
    return sub && !data_subtype(sub) ? TEXT_OTHER : -1;
}

/*
 * collect_text - add the parts of `obj` and below that are the message's
 * text to `out`, depth-first, in order: every text part (text_kind_of)
 * that is not an attachment (Content-Disposition: attachment) and,
 * unless `named`, has no file name (a text file sent along, even shown
 * inline). Of a multipart/alternative only one alternative is read
 * (alternative_rank): the first that holds plain text that is not blank
 * (the plain version of a message), else the first that holds HTML (an
 * empty plain part beside it is no version of the message), else the
 * first of another text subtype. So a message
 * that Apple Mail splits around an inline image (text, image, text) gives
 * both texts, and a footer that a mailing list appends as a part of its
 * own is read too. Attached messages (message/rfc822), images and other
 * types are not text.
 */
static void collect_text(GMimeObject *obj, int depth, int named,
                         part_list *out)
{
    if (!obj || depth > MAX_PART_DEPTH || out->nomem)
        return;
    if (is_a(obj, gm.g_mime_multipart_get_type())) {
        GMimeMultipart *mp = (GMimeMultipart *)obj;
        int n = gm.g_mime_multipart_get_count(mp);
        if (!gm.g_mime_content_type_is_type(
                gm.g_mime_object_get_content_type(obj), "multipart",
                "alternative")) {
            for (int i = 0; i < n && out->n < MAX_TEXT_PARTS; i++)
                collect_text(gm.g_mime_multipart_get_part(mp, i), depth + 1,
                             named, out);
            return;
        }
        part_list best = {0};
        int best_rank = 0;                     /* alternative_rank */
        for (int i = 0; i < n && best_rank < RANK_PLAIN && !out->nomem;
             i++) {
            part_list alt = {0};
            collect_text(gm.g_mime_multipart_get_part(mp, i), depth + 1,
                         named, &alt);
            int rank = alt.nomem ? -1 : alternative_rank(&alt);
            out->nomem |= rank < 0;
            if (rank > best_rank) {
                free(best.v);
                best = alt;
                best_rank = rank;
            } else {
                free(alt.v);
            }
        }
        for (size_t i = 0; i < best.n; i++)
            list_add(out, best.v[i]);
        free(best.v);
        return;
    }
    if (!is_a(obj, gm.g_mime_part_get_type()) ||
        gm.g_mime_part_is_attachment((GMimePart *)obj))
        return;                          /* message/rfc822, attachments */
    if (!named && gm.g_mime_part_get_filename((GMimePart *)obj))
        return;
    int kind = text_kind_of(obj);
    if (kind >= 0)
        list_add(out, (text_part){(GMimePart *)obj, (text_kind)kind, -1});
}

/* 1 when `charset` (NULL: none declared) is UTF-8 or ASCII, or a label
 * that says the charset is not known (unknown-8bit, RFC 1428; x-unknown,
 * which GMime 3.2 converts dropping every byte that is not UTF-8): the
 * text part's bytes are then read as they are (UTF-8, else
 * Windows-1252), not through GMime's conversion, which would drop those
 * that do not fit. */
static int utf8_or_ascii(const char *charset)
{
    static const char *const names[] = {"utf-8", "utf8", "us-ascii",
                                        "ascii", "ansi_x3.4-1968",
                                        "unknown-8bit", "x-unknown"};
    return !charset || name_in(charset, names,
                               sizeof names / sizeof names[0]);
}

/* 1 when [s, e) is a decimal number from lo to hi (no leading 0). */
static int number_in(const char *s, const char *e, int lo, int hi)
{
    if (e == s || e - s > 4 || *s == '0')
        return 0;
    int v = 0;
    for (; s < e; s++) {
        if (*s < '0' || *s > '9')
            return 0;
        v = v * 10 + (*s - '0');
    }
    return v >= lo && v <= hi;
}

/* 1 when `key` starts with `prefix` and a number from lo to hi follows. */
static int prefix_number(const char *key, const char *prefix, int lo,
                         int hi)
{
    size_t n = strlen(prefix);
    return strncmp(key, prefix, n) == 0 &&
           number_in(key + n, key + strlen(key), lo, hi);
}

/*
 * single_byte_8bit - 1 when `charset` names an 8-bit single-byte
 * charset: ISO-8859-1 to -16 (latin1 to latin10, l1 to l10, cyrillic,
 * greek, hebrew, arabic), Windows-1250 to -1258 and -874 (cpNNNN,
 * x-cpNNNN), TIS-620, KOI8-R, -U, -RU, -T, the DOS code pages (cp437,
 * cp850, cp852, cp862, ...) and the Mac ones (macintosh, x-mac-cyrillic,
 * ...): the charsets whose text part_text reads as UTF-8 when its bytes
 * are. Not the DOS Cyrillic and Greek ones (cp866, cp1125, cp855,
 * cp737): there a letter of E0..EF or C0..DF is often followed by
 * lowercase letters of A0..AF, so that common words are valid UTF-8
 * (cp866 "так там сад" is "⠪ ⠬ ᠤ").
 * Names are compared in any case without '-', '_', ' ' and '.', and
 * without a ":year" ("ISO_8859-1:1987"); the IANA and glibc aliases count
 * too: a "cs" before the name (csISOLatin1, csKOI8R), an "-i" or "-e"
 * after ISO-8859-N (ISO-8859-8-I, the usual label of Hebrew mail),
 * iso-ir-NNN, 8859_N, ms-ansi, ms-cyrl, ... Multi-byte and 7-bit charsets
 * (Shift_JIS, GB2312, EUC-KR, ISO-2022-JP, UTF-16, ...) are not among
 * them: their text is read as labelled.
 */
static int single_byte_8bit(const char *charset)
{
    char key[32];
    size_t n = 0;
    for (const char *c = charset; c && *c && *c != ':'; c++) {
        if (*c == '-' || *c == '_' || *c == ' ' || *c == '.')
            continue;
        if (n + 1 >= sizeof key)
            return 0;
        key[n++] = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
    }
    key[n] = '\0';
    if (!charset || n == 0)
        return 0;
    if (strncmp(key, "csisolatin", 10) == 0)   /* csISOLatin1, ...Greek */
        memmove(key, key + 5, strlen(key + 5) + 1);
    else if (strncmp(key, "cs", 2) == 0)       /* csKOI8R, csWindows1252 */
        memmove(key, key + 2, strlen(key + 2) + 1);
    n = strlen(key);
    if (strncmp(key, "iso8859", 7) == 0 && n > 8 &&
        (key[n - 1] == 'i' || key[n - 1] == 'e'))   /* ISO-8859-8-I */
        key[--n] = '\0';
    static const int iso_ir[] = {100, 101, 109, 110, 126, 127, 138, 144,
                                 148, 157, 166, 179, 199, 203, 226};
    for (size_t i = 0; i < sizeof iso_ir / sizeof iso_ir[0]; i++)
        if (prefix_number(key, "isoir", iso_ir[i], iso_ir[i]))
            return 1;
    static const char *const names[] = {
        "cyrillic", "greek", "greek8", "hebrew", "arabic", "tis620",
        "koi8r", "koi8u", "koi8ru", "koi8t", "cp819", "ibm819",
        "latincyrillic", "latingreek", "latinhebrew", "latinarabic",
        "msansi", "msee", "mscyrl", "msgreek", "msturk", "mshebr", "msarab",
        "winbaltrim", "pc8codepage437", "pc850multilingual", "pcp852",
        "pc862latinhebrew",
        "macintosh", "mac", "macroman", "xmacroman", "maccyrillic",
        "xmaccyrillic", "macukrainian", "xmacukrainian", "maccentraleurope",
        "xmaccentraleurope", "macce", "xmacce"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(key, names[i]) == 0)
            return 1;
    static const char *const dos[] = {
        "437", "775", "850", "852", "857", "858", "860", "861", "862",
        "863", "864", "865", "869", "874"};
    for (size_t i = 0; i < sizeof dos / sizeof dos[0]; i++) {
        const char *d = dos[i];
        if ((strncmp(key, "cp", 2) == 0 && strcmp(key + 2, d) == 0) ||
            (strncmp(key, "ibm", 3) == 0 && strcmp(key + 3, d) == 0) ||
            (strncmp(key, "windows", 7) == 0 && strcmp(key + 7, d) == 0))
            return 1;
    }
    return ((prefix_number(key, "iso8859", 1, 16) ||
             prefix_number(key, "8859", 1, 16)) &&
            strcmp(key + n - 2, "12") != 0) ||
           prefix_number(key, "latin", 1, 10) ||
           prefix_number(key, "l", 1, 10) ||
           prefix_number(key, "windows", 1250, 1258) ||
           prefix_number(key, "cp", 1250, 1258) ||
           prefix_number(key, "xcp", 1250, 1258);
}

/* 1 when the NUL-terminated `s` is valid UTF-8 with at least one
 * character beyond ASCII. */
static int utf8_beyond_ascii(const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return corpus_utf8_valid(s, n);
    return 0;
}

/* The bytes of `part` with its transfer encoding (base64,
 * quoted-printable) undone and its charset left alone, as a new
 * NUL-terminated string for free() (up to a NUL byte, if one was
 * encoded). NULL when GMime ran out of memory. */
static char *part_bytes(GMimePart *part)
{
    GMimeStream *mem = gm.g_mime_stream_mem_new();
    GMimeDataWrapper *content = gm.g_mime_part_get_content(part);
    if (content)
        gm.g_mime_data_wrapper_write_to_stream(content, mem);
    GByteArray *bytes =
        gm.g_mime_stream_mem_get_byte_array((GMimeStreamMem *)mem);
    size_t n = bytes ? bytes->len : 0;
    char *out = malloc(n + 1);
    if (out) {
        if (n)
            memcpy(out, bytes->data, n);
        out[n] = '\0';
    }
    gm.g_object_unref(mem);
    return out;
}

/*
 * part_text - the decoded text of `part` as a new malloc()ed,
 * NUL-terminated UTF-8 string with LF line ends (*len its length); NULL
 * when out of memory. A part without content gives "". An `untyped` one
 * (see untyped) has no charset: its bytes are read as us-ascii ones are.
 *
 * A part labelled with an 8-bit single-byte charset (single_byte_8bit:
 * latin1, Windows-1252, latin2, KOI8-R, Windows-1251, ...) whose bytes
 * are valid UTF-8 with at least one character beyond ASCII is read as
 * UTF-8: mailers often label UTF-8 so, whatever the language, and
 * reading it as labelled garbles every character beyond ASCII ("Café"
 * as "CafÃ©", "привет" as "п©я─п╦п╡п╣я┌" in KOI8-R). Text really in one of
 * those charsets is almost never valid UTF-8: every byte of 80..FF would
 * have to be a lead byte (C2..F4) followed by exactly the right number
 * of bytes of 80..BF, never by ASCII or by another lead. An accented
 * letter between ASCII letters ("caf\xE9 ") is invalid, and so are two
 * letters of C0..FF in a row, as the Cyrillic, Greek, Hebrew, Arabic and
 * Thai letters of the ISO, Windows, KOI8 and Mac charsets are in nearly
 * every word; 80..BF hold symbols, punctuation, box drawing and C1
 * codes, and in the Central European and Cyrillic sets a few letters
 * (ś ž ł, ё і); in the DOS code pages kept (single_byte_8bit) they hold
 * the accented Latin letters and the Hebrew ones, which seldom follow
 * a lead byte in a word. The
 * texts taken for UTF-8 by mistake are therefore a word or two with
 * nothing else beyond ASCII, such as KOI8-R "её" (C5 A3, read "ţ") or
 * Windows-1251 "Её" (C5 B8, read "Ÿ") standing alone in a part or an
 * encoded word of a header; a longer text in those languages has a
 * letter pair that is not UTF-8.
 */
static char *part_text(GMimePart *part, int untyped, size_t *len)
{
    const char *charset =
        !untyped && is_a(part, gm.g_mime_text_part_get_type())
            ? gm.g_mime_text_part_get_charset((GMimeTextPart *)part)
            : NULL;
    int own = utf8_or_ascii(charset);
    char *g = own ? part_bytes(part) : NULL;
    if (own && !g)
        return NULL;
    if (!own && single_byte_8bit(charset)) {
        char *b = part_bytes(part);
        if (!b)
            return NULL;
        if (utf8_beyond_ascii(b)) {
            g = b;                      /* UTF-8 labelled latin1 */
            own = 1;
        } else {
            free(b);
        }
    }
    if (!own)              /* a charset: a text part (see above) */
        g = gm.g_mime_text_part_get_text((GMimeTextPart *)part);
    const char *src = g ? g : "";
    size_t n = strlen(src);
    char *out;
    if (corpus_utf8_valid(src, n)) {
        out = malloc(n + 1);
        if (out)
            memcpy(out, src, n + 1);
    } else {             /* bytes that do not fit, or a wrong charset */
        out = corpus_text_to_utf8(src, n, &n);
    }
    if (own)
        free(g);
    else
        gm.g_free(g);
    if (!out)
        return NULL;
    /* CRLF and lone CR become LF, as read.c does for files */
    size_t w = 0;
    for (size_t r = 0; r < n; r++) {
        if (out[r] == '\r') {
            out[w++] = '\n';
            if (r + 1 < n && out[r + 1] == '\n')
                r++;
        } else {
            out[w++] = out[r];
        }
    }
    out[w] = '\0';
    if (corpus_c1_as_cp1252(&out, &w) != 0) {   /* latin1 that is cp1252 */
        free(out);
        return NULL;
    }
    *len = w;
    return out;
}

/*
 * flowed_text - text/plain; format=flowed (RFC 3676) as the lines the
 * writer meant: a line that ends in a space (a soft break) goes on in
 * the next line of the same quote depth, without that space when `delsp`
 * (DelSp=yes: the space was added to break a word: "acr " + "oss" is
 * "across"); the space a line starts with after its quote marks ("space
 * stuffing") is removed; a quoted paragraph is written after its quote
 * marks and one space ("> text"); "-- ", the signature separator, is no
 * soft break. A soft break before a line of another depth is a hard one.
 * Takes the malloc()ed `text` (freed here); returns a new string (*len
 * its length), NULL when out of memory.
 */
static char *flowed_text(char *text, size_t *len, int delsp)
{
    gz_buf out = {0};
    int open = 0, open_depth = 0;  /* a soft break waits for its next line */
    const char *p = text, *end = text + *len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        const char *c = p;
        int depth = 0;
        while (c < e && *c == '>')
            c++, depth++;
        if (c < e && *c == ' ')
            c++;                                    /* space-stuffing */
        size_t n = (size_t)(e - c);
        int sig = n == 3 && memcmp(c, "-- ", 3) == 0;
        int soft = !sig && n > 0 && c[n - 1] == ' ';
        if (open && depth != open_depth) {
            gz_buf_put(&out, "\n", 1);
            open = 0;
        }
        if (!open && depth) {
            for (int d = 0; d < depth; d++)
                gz_buf_put(&out, ">", 1);
            if (n)
                gz_buf_put(&out, " ", 1);
        }
        if (soft && delsp)
            n--;
        gz_buf_put(&out, c, n);
        open = soft;
        open_depth = depth;
        if (!soft && nl)
            gz_buf_put(&out, "\n", 1);
        p = nl ? nl + 1 : end;
    }
    free(text);
    return gz_buf_take(&out, len);
}

/* The text of the text `part` (part_text), its flowed lines joined when
 * it is format=flowed (not when `untyped`: no parameter then holds). */
static char *plain_text(GMimePart *part, int untyped, size_t *len)
{
    char *text = part_text(part, untyped, len);
    GMimeContentType *ct =
        gm.g_mime_object_get_content_type((GMimeObject *)part);
    const char *format = gm.g_mime_content_type_get_parameter(ct, "format");
    if (!text || untyped || !format ||
        !gz_ascii_case_equal(format, "flowed"))
        return text;
    const char *delsp = gm.g_mime_content_type_get_parameter(ct, "delsp");
    return flowed_text(text, len, delsp && gz_ascii_case_equal(delsp, "yes"));
}

/* What the HTML reader made of an HTML part. */
typedef struct html_text {
    char *body;
    size_t len;
    int nomem;
} html_text;

static int keep_html_body(const corpus_article *a, void *ctx)
{
    html_text *h = ctx;
    h->body = malloc(a->body_len + 1);
    if (!h->body) {
        h->nomem = 1;
        return 1;
    }
    memcpy(h->body, a->body, a->body_len);
    h->body[a->body_len] = '\0';
    h->len = a->body_len;
    return 0;
}

/*
 * html_body - the visible text of an HTML part, through the HTML reader
 * (corpus_parse_html) with a callback that keeps only the body, all of
 * the text (html_text_only: a page without a <title> or <h1>, as Gmail
 * and Outlook write them, does not lose its first line to a title). The
 * part's decoded text is handed over in `html` (freed here). Returns a
 * new string, "" when the page has no text, NULL when out of memory.
 */
static char *html_body(corpus_reader *rd, char *html, size_t len,
                       size_t *out_len)
{
    html_text h = {NULL, 0, 0};
    corpus_options quiet = {.max_bytes = rd->opts->max_bytes};
    corpus_reader sub = {.file = rd->file, .opts = &quiet,
                         .on_article = keep_html_body, .ctx = &h,
                         .html_text_only = 1};
    corpus_buf buf = {html, len};
    corpus_status s = corpus_parse_html(&sub, &buf);
    free(buf.data);          /* the parser may have freed it */
    if (s == CORPUS_ERR_NOMEM || h.nomem) {
        free(h.body);
        return NULL;
    }
    if (!h.body) {                 /* no text, or too deep to read */
        h.body = malloc(1);
        if (h.body)
            h.body[0] = '\0';
    }
    *out_len = h.len;
    return h.body;
}

/* Trim whitespace around [*s, *s + *len) (moves *s, shrinks *len) and
 * NUL-terminate. */
static void trim_span(char **s, size_t *len)
{
    char *e = *s + *len;
    corpus_trim(s, &e);
    *len = (size_t)(e - *s);
    (*s)[*len] = '\0';
}

/* The body of `msg` (see the top of the file) as a new string: the text
 * of its text parts (collect_text), HTML through the HTML reader, each
 * trimmed, one blank line between them; "" when it has none; NULL when
 * out of memory. A message whose only inline text parts have a file name
 * reads those (the body of a few mailers carries a name). */
static char *message_body(corpus_reader *rd, GMimeMessage *msg, size_t *len)
{
    GMimeObject *top = gm.g_mime_message_get_mime_part(msg);
    part_list parts = {0};
    collect_text(top, 0, 0, &parts);
    if (parts.n == 0 && !parts.nomem)
        collect_text(top, 0, 1, &parts);
    gz_buf body = {0};
    int nomem = parts.nomem;
    for (size_t i = 0; i < parts.n && !nomem; i++) {
        size_t n = 0;
        text_part *p = &parts.v[i];
        int html = p->kind == TEXT_HTML;
        char *t = html ? part_text(p->part, 0, &n)
                       : plain_text(p->part, p->kind == TEXT_UNTYPED, &n);
        if (t && html)
            t = html_body(rd, t, n, &n);
        if (!t) {
            nomem = 1;
            break;
        }
        char *span = t;
        trim_span(&span, &n);
        if (n && body.len)
            gz_buf_put(&body, "\n\n", 2);
        gz_buf_put(&body, span, n);
        free(t);
    }
    free(parts.v);
    if (nomem) {
        gz_buf_free(&body);
        return NULL;
    }
    return gz_buf_take(&body, len);
}

/* Most types the warning of a message without text names. */
#define MAX_NAMED_TYPES 3

/* The types of the parts that hold something but gave no text. */
typedef struct part_types {
    char name[MAX_NAMED_TYPES][64];
    size_t n;
    int more;              /* a part of yet another type */
    size_t seen;           /* parts looked at, at most MAX_TEXT_PARTS */
    int nomem;
} part_types;

/* 1 when the part `obj` (no multipart) holds something: an attached
 * message, or a part whose decoded bytes are not all white space; -1
 * when out of memory. */
static int holds_something(GMimeObject *obj)
{
    if (!is_a(obj, gm.g_mime_part_get_type()))
        return 1;                               /* message/rfc822 */
    char *bytes = part_bytes((GMimePart *)obj);
    if (!bytes)
        return -1;
    int some = 0;
    for (const char *c = bytes; *c && !some; c++)
        some = !corpus_is_space((unsigned char)*c);
    free(bytes);
    return some;
}

/* Add the type of `obj` to `t` unless it is there. */
static void note_type(part_types *t, GMimeObject *obj)
{
    GMimeContentType *ct = gm.g_mime_object_get_content_type(obj);
    const char *type = gm.g_mime_content_type_get_media_type(ct);
    const char *sub = gm.g_mime_content_type_get_media_subtype(ct);
    char name[sizeof t->name[0]];
    snprintf(name, sizeof name, "%s/%s", type ? type : "", sub ? sub : "");
    for (size_t i = 0; i < t->n; i++)
        if (gz_ascii_case_equal(t->name[i], name))
            return;
    if (t->n == MAX_NAMED_TYPES)
        t->more = 1;
    else
        memcpy(t->name[t->n++], name, sizeof name);
}

/* Note in `t` the type of every part of `obj` and below that holds
 * something (holds_something), as collect_text walks them; stops once
 * more types are found than are named. */
static void unread_parts(GMimeObject *obj, int depth, part_types *t)
{
    if (!obj || depth > MAX_PART_DEPTH || t->nomem || t->more ||
        t->seen >= MAX_TEXT_PARTS)
        return;
    if (is_a(obj, gm.g_mime_multipart_get_type())) {
        GMimeMultipart *mp = (GMimeMultipart *)obj;
        int n = gm.g_mime_multipart_get_count(mp);
        for (int i = 0; i < n; i++)
            unread_parts(gm.g_mime_multipart_get_part(mp, i), depth + 1, t);
        return;
    }
    t->seen++;
    int some = holds_something(obj);
    t->nomem |= some < 0;
    if (some > 0)
        note_type(t, obj);
}

/*
 * warn_no_text - for a message whose body gave no text: when its parts
 * hold something all the same (an image, a PDF, a calendar, an attached
 * message, HTML without visible text), a warning that names their types,
 * so that a message is not indexed without its body silently. Nothing
 * for a message that is empty or whose text is blank. -1 when out of
 * memory, else 0.
 */
static int warn_no_text(corpus_reader *rd, GMimeMessage *msg)
{
    part_types t = {0};
    unread_parts(gm.g_mime_message_get_mime_part(msg), 0, &t);
    if (t.nomem)
        return -1;
    if (t.n == 0)
        return 0;
    char list[MAX_NAMED_TYPES * (sizeof t.name[0] + 2) + 8] = "";
    for (size_t i = 0; i < t.n; i++) {
        if (i)
            strcat(list, ", ");
        strcat(list, t.name[i]);
    }
    if (t.more)
        strcat(list, ", ...");
    corpus_warning(rd, 0, "its body has no text to index (%s): indexed "
                   "without a body", list);
    return 0;
}

/* ------------------------------------------------------------ the fields */

/* A header's text (`s`, "" when NULL) as a new malloc()ed UTF-8 string:
 * GMime decodes encoded words, but passes raw 8-bit bytes of a header on
 * as they are, and those are read as Windows-1252 like every other text
 * that is not UTF-8 (corpus_text_to_utf8); an encoded word labelled
 * ISO-8859-1 that is Windows-1252 ("=?iso-8859-1?Q?Mayor=92s?=") is read
 * as Windows-1252 (corpus_c1_as_cp1252). NULL when out of memory. */
static char *dup_str(const char *s)
{
    const char *t = s ? s : "";
    size_t n = 0;
    char *out = corpus_text_to_utf8(t, strlen(t), &n);
    if (out && corpus_c1_as_cp1252(&out, &n) != 0) {
        free(out);
        return NULL;
    }
    return out;
}

/* An RFC 2047 encoded word, "=?charset?Q?text?=" (or ?B?): where its
 * charset name and its text are. */
typedef struct encoded_word {
    const char *charset, *charset_end;   /* without a "*language" */
    const char *text, *text_end;
    const char *end;                     /* the byte after its "?=" */
    char encoding;                       /* 'q' or 'b' */
} encoded_word;

/* 1 when an encoded word starts at p (before `end`), filled into *w.
 * Else 0 with w->end where the next one may start: past the white space
 * or end that cut short a word's text, which no word starting before
 * that can end in either (so a header without white space costs one
 * pass, not one per "=?"). */
static int encoded_word_at(const char *p, const char *end, encoded_word *w)
{
    w->end = p + 1;
    if (end - p < 8 || p[0] != '=' || p[1] != '?')
        return 0;
    const char *q = p + 2;
    while (q < end && *q != '?' && !corpus_is_space((unsigned char)*q))
        q++;
    if (q == p + 2 || end - q < 5 || *q != '?' || q[2] != '?')
        return 0;
    const char *star = memchr(p + 2, '*', (size_t)(q - (p + 2)));
    w->charset = p + 2;
    w->charset_end = star ? star : q;
    w->encoding = (char)(q[1] | 0x20);
    if (w->encoding != 'q' && w->encoding != 'b')
        return 0;
    w->text = q + 3;
    for (q = w->text; end - q >= 2; q++) {
        if (q[0] == '?' && q[1] == '=') {
            w->text_end = q;
            w->end = q + 2;
            return 1;
        }
        if (corpus_is_space((unsigned char)*q))
            break;
    }
    w->end = q;
    return 0;
}

static int hex_digit(unsigned char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10
                                                    : -1;
}

/* Append the bytes the base64 text [p, e) encodes to *out, the bits of
 * an unfinished quartet carried in *bits and *nbits (zero to start):
 * base64 split between two words goes on in the second. A '=' (padding)
 * ends a quartet, and what follows starts a new one. 0 when the text
 * holds a byte that is not base64. */
static int put_base64_decoded(const unsigned char *p, const unsigned char *e,
                              unsigned *bits, int *nbits, gz_buf *out)
{
    for (; p < e; p++) {
        int v = *p >= 'A' && *p <= 'Z'   ? *p - 'A'
                : *p >= 'a' && *p <= 'z' ? *p - 'a' + 26
                : *p >= '0' && *p <= '9' ? *p - '0' + 52
                : *p == '+'              ? 62
                : *p == '/'              ? 63
                : *p == '='              ? 64
                                         : -1;
        if (v < 0)
            return 0;
        if (v == 64) {
            *bits = 0;
            *nbits = 0;
            continue;
        }
        *bits = ((*bits << 6) | (unsigned)v) & 0xFFFFFF;
        *nbits += 6;
        if (*nbits >= 8) {
            *nbits -= 8;
            char c = (char)((*bits >> *nbits) & 0xFF);
            gz_buf_put(out, &c, 1);
        }
    }
    return 1;
}

/* Append the bytes the text of `w` encodes to *out. 0 when it is not
 * valid Q or B encoding. */
static int encoded_word_bytes(const encoded_word *w, gz_buf *out)
{
    const unsigned char *p = (const unsigned char *)w->text;
    const unsigned char *e = (const unsigned char *)w->text_end;
    if (w->encoding == 'q') {
        for (; p < e; p++) {
            char c = (char)*p;
            if (*p == '_') {
                c = ' ';
            } else if (*p == '=') {
                int hi = e - p >= 3 ? hex_digit(p[1]) : -1;
                int lo = hi >= 0 ? hex_digit(p[2]) : -1;
                if (lo < 0)
                    return 0;
                c = (char)(hi * 16 + lo);
                p += 2;
            }
            gz_buf_put(out, &c, 1);
        }
        return 1;
    }
    unsigned bits = 0;
    int nbits = 0;
    return put_base64_decoded(p, e, &bits, &nbits, out);
}

/* What is done with an encoded word of a header, by its charset. */
enum word_kind {
    WORD_OTHER,   /* read by GMime as labelled */
    WORD_8BIT,    /* single_byte_8bit: relabelled UTF-8 when its bytes are */
    WORD_OWN      /* utf8_or_ascii, or a charset GMime cannot convert:
                   * read as UTF-8, else Windows-1252 (as part_text) */
};

/* 1 when the bytes of `w` hold one of 80..FF. */
static int word_has_8bit(const encoded_word *w)
{
    gz_buf bytes = {0};
    int high = 0;
    if (encoded_word_bytes(w, &bytes) && !bytes.failed)
        for (size_t i = 0; i < bytes.len && !high; i++)
            high = (unsigned char)bytes.data[i] >= 0x80;
    gz_buf_free(&bytes);
    return high;
}

/* 1 when GMime cannot convert text in the charset `name` to UTF-8: it
 * decodes a header word so labelled byte by byte as Latin-1 (a UTF-8
 * word "ZÃ¼rich"), where a text part so labelled reaches part_text as
 * it is. Asked as GMime does (its name for the charset, then iconv);
 * the last answer is kept, per thread. */
static int gmime_cannot_convert(const char *name)
{
    static _Thread_local char last[64];
    static _Thread_local int last_answer;
    if (strcmp(name, last) == 0)
        return last_answer;
    const char *iname = gm.g_mime_charset_iconv_name(name);
    iconv_t cd = iconv_open("UTF-8", iname ? iname : name);
    int cannot = cd == (iconv_t)-1;
    if (!cannot)
        iconv_close(cd);
    snprintf(last, sizeof last, "%s", name);
    last_answer = cannot;
    return cannot;
}

/* How the encoded word `w` is read (enum word_kind), by its charset. */
static enum word_kind word_kind(const encoded_word *w)
{
    char name[64];
    size_t n = (size_t)(w->charset_end - w->charset);
    if (n >= sizeof name)
        return WORD_OTHER;
    memcpy(name, w->charset, n);
    name[n] = '\0';
    if (utf8_or_ascii(name))
        return WORD_OWN;
    if (single_byte_8bit(name))
        return WORD_8BIT;
    return word_has_8bit(w) && gmime_cannot_convert(name) ? WORD_OWN
                                                          : WORD_OTHER;
}

/* Past the white space at q between two words of one header field, or
 * NULL when it holds a line break not followed by a blank: the next line
 * is another field (whose name may look like an encoded word). */
static const char *field_space_end(const char *q, const char *end)
{
    for (; q < end && corpus_is_space((unsigned char)*q); q++)
        if (*q == '\n' && !(q + 1 < end && (q[1] == ' ' || q[1] == '\t')))
            return NULL;
    return q;
}

/* The end of the run of adjacent words that are not WORD_OTHER (white
 * space between, in one field) that starts with `w`. */
static const char *word_run_end(const encoded_word *w, const char *end)
{
    const char *run_end = w->end;
    for (;;) {
        const char *q = field_space_end(run_end, end);
        encoded_word next;
        if (!q || !encoded_word_at(q, end, &next) ||
            word_kind(&next) == WORD_OTHER)
            return run_end;
        run_end = next.end;
    }
}

/* The words of [p, run_end) decoded one after the other, appended to
 * *bytes; 0 when one of them could not be decoded. */
static int run_bytes(const char *p, const char *run_end, gz_buf *bytes)
{
    int ok = 1;
    for (const char *q = p; ok && q < run_end;) {
        encoded_word x;
        if (encoded_word_at(q, run_end, &x))
            ok = encoded_word_bytes(&x, bytes);
        q = x.end;
    }
    return ok;
}

/* 1 when the words of [p, run_end), decoded one after the other, are
 * valid UTF-8 beyond ASCII without a NUL. */
static int words_are_utf8(const char *p, const char *run_end)
{
    gz_buf bytes = {0};
    int ok = run_bytes(p, run_end, &bytes);
    ok = ok && !bytes.failed && bytes.data &&
         !memchr(bytes.data, '\0', bytes.len) &&
         utf8_beyond_ascii(bytes.data);
    gz_buf_free(&bytes);
    return ok;
}

/* 1 when the bytes of `a` end with the first bytes of a UTF-8 character
 * whose other bytes open those of `b`. */
static int char_split_between(const encoded_word *a, const encoded_word *b)
{
    gz_buf ab = {0}, bb = {0};
    int split = 0;
    if (encoded_word_bytes(a, &ab) && encoded_word_bytes(b, &bb) &&
        !ab.failed && !bb.failed && ab.len && bb.len) {
        const unsigned char *s = (const unsigned char *)ab.data;
        size_t i = ab.len, k = 0;
        while (i > 0 && k < 3 && (s[i - 1] & 0xC0) == 0x80) {
            i--;
            k++;
        }
        unsigned char c = i > 0 ? s[i - 1] : 0;
        size_t need = c >= 0xC2 && c <= 0xDF   ? 2
                      : c >= 0xE0 && c <= 0xEF ? 3
                      : c >= 0xF0 && c <= 0xF4 ? 4
                                               : 0;
        size_t have = ab.len - (i - 1);
        if (need > have && bb.len >= need - have) {
            split = 1;
            for (size_t j = 0; j < need - have; j++)
                split &= ((unsigned char)bb.data[j] & 0xC0) == 0x80;
        }
    }
    gz_buf_free(&ab);
    gz_buf_free(&bb);
    return split;
}

/* The end of the words from `x` on (in a run ending at run_end) that
 * characters are split between (char_split_between): x->end when the
 * next word does not finish a character of x. */
static const char *split_group_end(const encoded_word *x,
                                   const char *run_end)
{
    encoded_word a = *x;
    for (;;) {
        const char *q = a.end;
        while (q < run_end && corpus_is_space((unsigned char)*q))
            q++;
        encoded_word b;
        if (!encoded_word_at(q, run_end, &b) || !char_split_between(&a, &b))
            return a.end;
        a = b;
    }
}

/* 1 when the words of [p, run_end) are all WORD_OWN. */
static int words_all_own(const char *p, const char *run_end)
{
    for (const char *q = p; q < run_end;) {
        encoded_word x;
        if (encoded_word_at(q, run_end, &x) && word_kind(&x) != WORD_OWN)
            return 0;
        q = x.end;
    }
    return 1;
}

/* Write the header block up to the words of [p, run_end) to `out`, each
 * word's charset name made "utf-8" (those named so already are left);
 * *copied: where the block's bytes not yet written begin. 1 when a name
 * changed. */
static int relabel_words(gz_buf *out, const char **copied, const char *p,
                         const char *run_end)
{
    int changed = 0;
    for (const char *q = p; q < run_end;) {
        encoded_word x;
        if (encoded_word_at(q, run_end, &x) &&
            !(x.charset_end - x.charset == 5 &&
              gz_ascii_ncase_eq(x.charset, "utf-8", 5))) {
            gz_buf_put(out, *copied, (size_t)(x.charset - *copied));
            gz_buf_put(out, "utf-8", 5);
            *copied = x.charset_end;
            changed = 1;
        }
        q = x.end;
    }
    return changed;
}

/* Append [s, s+n) to `out` in the Q encoding of RFC 2047: letters and
 * digits as they are, a space as '_', every other byte as "=XX". (Not B:
 * GMime 3.2 decodes adjacent B words of one charset as one base64 text
 * and loses what follows a word ending in '=' padding.) */
static void put_q(gz_buf *out, const unsigned char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
            (c >= '0' && c <= '9')) {
            gz_buf_put(out, (const char *)&s[i], 1);
        } else if (c == ' ') {
            gz_buf_put(out, "_", 1);
        } else {
            char q[3] = {'=', hex[c >> 4], hex[c & 15]};
            gz_buf_put(out, q, 3);
        }
    }
}

/* Most bytes of one run of words that reencode_words rewrites (the rest
 * are cut: a title is cut at 64 KiB anyway), and of all the words it
 * rewrites in one header block (those past it are left to GMime). Each byte may
 * become 9 of Q text (80 is U+20AC, "=E2=82=AC"): a word of 60 MB would
 * otherwise grow the message to 400 MB before GMime even parsed it. */
#define REENCODE_WORD_MAX (64 * 1024)
#define REENCODE_BLOCK_MAX (1024 * 1024)

/* Write the header block up to the words of [p, run_end) to `out`, the
 * words made one UTF-8 word of their bytes, joined, read as
 * corpus_text_to_utf8 reads them (UTF-8 with stray bytes, else
 * Windows-1252): "=?utf-8?Q?...?=", of their first REENCODE_WORD_MAX
 * bytes (less the end of a character cut there) only; so a character
 * split between two words is read whole. *budget: how many bytes the
 * block's words may still have rewritten; words it no longer allows are
 * left as they are, and so are words whose bytes hold a NUL. *copied as
 * in relabel_words. 1 when the words changed. */
static int reencode_words(gz_buf *out, const char **copied, const char *p,
                          const char *run_end, size_t *budget)
{
    gz_buf bytes = {0};
    int ok = run_bytes(p, run_end, &bytes);
    if (!ok || bytes.failed || !bytes.len ||
        memchr(bytes.data, '\0', bytes.len)) {
        out->failed |= bytes.failed;
        gz_buf_free(&bytes);
        return 0;
    }
    if (bytes.len > REENCODE_WORD_MAX) {
        size_t cut = REENCODE_WORD_MAX;
        for (int k = 0; k < 3 && ((unsigned char)bytes.data[cut] & 0xC0) ==
                                     0x80; k++)
            cut--;
        bytes.len = cut;
    }
    if (bytes.len > *budget) {
        gz_buf_free(&bytes);
        return 0;
    }
    *budget -= bytes.len;
    size_t n = 0;
    char *text = corpus_text_to_utf8(bytes.data, bytes.len, &n);
    gz_buf_free(&bytes);
    if (!text) {
        out->failed = 1;
        return 0;
    }
    gz_buf_put(out, *copied, (size_t)(p - *copied));
    gz_buf_put(out, "=?utf-8?Q?", 10);
    put_q(out, (const unsigned char *)text, n);
    gz_buf_put(out, "?=", 2);
    *copied = run_end;
    free(text);
    return 1;
}

/* The name of the charset of `w` ("*language" left out) as GMime's
 * decoder tells charsets apart, into name[64]: its canonical name
 * ("utf8" is "UTF-8", "ISO8859-1" and "iso_8859-1:1987" are
 * "iso-8859-1"; "latin1" and "cp1252" stay themselves); "" when the
 * name is too long. */
static void gmime_charset_name(const encoded_word *w, char name[64])
{
    size_t n = (size_t)(w->charset_end - w->charset);
    name[0] = '\0';
    if (n >= 64)
        return;
    char raw[64];
    memcpy(raw, w->charset, n);
    raw[n] = '\0';
    const char *canon = gm.g_mime_charset_canon_name(raw);
    snprintf(name, 64, "%s", canon ? canon : raw);
}

/* 1 when the B word `w` holds a '=' before a base64 character. */
static int padded_inside(const encoded_word *w)
{
    const char *pad = memchr(w->text, '=', (size_t)(w->text_end - w->text));
    if (!pad)
        return 0;
    while (pad < w->text_end && *pad == '=')
        pad++;
    return pad < w->text_end;
}

/* 1 when the B word `w` ends inside a base64 quartet: base64 split
 * between it and the next word, which GMime 3.2 reads on (padding ends
 * a quartet). */
static int ends_inside_quartet(const encoded_word *w)
{
    const char *t = w->text_end;
    while (t > w->text && t[-1] != '=')
        t--;
    return (w->text_end - t) % 4 != 0;
}

/* The end of the run of adjacent B words (white space between) of the
 * charset of `w` that starts with the B word `w`: the words GMime 3.2
 * decodes as one base64 text, so that base64 split between two words
 * (ends_inside_quartet) is read (names of one charset as GMime tells
 * them apart, gmime_charset_name, case aside). *tangled is set when that
 * text has '=' padding before its end, which ends GMime's decoding there
 * ('=?utf-8?B?Q2Fmw6k=?= =?utf-8?B?IG5hw692ZQ==?=' is "Café"), or base64
 * split between words. Once the run is not tangled, a word that would
 * not tangle it ends it without its charset being looked up: so written,
 * words before a tangled run are whole quartets, which GMime decodes
 * right before it. */
static const char *b_run_end(const encoded_word *w, const char *end,
                             int *tangled)
{
    encoded_word cur = *w, next;
    char cur_name[64], next_name[64];
    int named = 0;   /* cur_name holds the name of cur */
    *tangled = padded_inside(w);
    for (;;) {
        const char *q = field_space_end(cur.end, end);
        if (!q || !encoded_word_at(q, end, &next) || next.encoding != 'b')
            return cur.end;
        int tangles = ends_inside_quartet(&cur) ||
                      (cur.text_end > cur.text && cur.text_end[-1] == '=') ||
                      padded_inside(&next);
        if (!tangles && !*tangled)
            return cur.end;
        size_t na = (size_t)(cur.charset_end - cur.charset);
        size_t nb = (size_t)(next.charset_end - next.charset);
        if (na == nb && gz_ascii_ncase_eq(cur.charset, next.charset, na)) {
            named = 0;
        } else {
            if (!named)
                gmime_charset_name(&cur, cur_name);
            gmime_charset_name(&next, next_name);
            if (!*cur_name || !gz_ascii_case_equal(cur_name, next_name))
                return cur.end;
            memcpy(cur_name, next_name, sizeof cur_name);
            named = 1;
        }
        *tangled |= tangles;
        cur = next;
    }
}

/* Append [s, s+n) to `out` in base64, padded. */
static void put_b(gz_buf *out, const unsigned char *s, size_t n)
{
    static const char b64[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)s[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)s[i + 1] << 8;
        if (i + 2 < n)
            v |= s[i + 2];
        char q[4] = {b64[v >> 18], b64[(v >> 12) & 63],
                     i + 1 < n ? b64[(v >> 6) & 63] : '=',
                     i + 2 < n ? b64[v & 63] : '='};
        gz_buf_put(out, q, 4);
    }
}

/* The header block [*start, *start + *hlen) of a message of *len bytes
 * replaced by `out` (whole: not failed): written in place, ending where
 * the block ended, when it is no longer, *start moving past the bytes no
 * longer needed; else, when `owned` is not NULL, with the rest of the
 * message into a new buffer that *start and *owned then point to (the
 * caller frees it). *len and *hlen follow. Out of memory, or longer with
 * no `owned`: the message stays as it is. */
static void put_header_back(const gz_buf *out, char **start, size_t *len,
                            size_t *hlen, char **owned)
{
    char *data = *start;
    if (out->failed)
        return;
    if (out->len <= *hlen) {
        size_t moved = *hlen - out->len;
        memcpy(data + moved, out->data, out->len);
        *start = data + moved;
        *len -= moved;
        *hlen = out->len;
        return;
    }
    size_t rest = *len - *hlen;
    char *grown = owned ? malloc(out->len + rest) : NULL;
    if (!grown)
        return;
    memcpy(grown, out->data, out->len);
    memcpy(grown + out->len, data + *hlen, rest);
    *start = *owned = grown;
    *len = out->len + rest;
    *hlen = out->len;
}

/*
 * join_b_runs - the header block [*start, *start + *hlen) of a message
 * of *len bytes with each tangled run of B words (b_run_end) rewritten
 * as one B word of its charset ("*language" kept) holding the bytes of
 * the run, base64 split between words joined and every '=' padding
 * ending a quartet: so GMime 3.2, which decodes such a run as one base64
 * text and stops at padding inside it, reads all of it, and a character
 * split between two words stays whole. The block is rewritten in place,
 * ending where it ended (a run does not grow: one "=?charset?B?" and
 * "?=" instead of several, base64 padded once; a block that would is
 * left as it is); *start moves past the bytes no longer needed and
 * *len, *hlen shrink by as many. A run whose text is not base64, or
 * holds no byte, is left as it is; so is the block when out of memory.
 */
static void join_b_runs(char **start, size_t *len, size_t *hlen)
{
    char *data = *start;
    const char *end = data + *hlen;
    gz_buf out = {0};
    const char *copied = data;   /* [copied, p) not yet written to out */
    int changed = 0;
    for (const char *p = data; p < end && !out.failed;) {
        encoded_word w;
        int tangled = 0;
        if (!encoded_word_at(p, end, &w) || w.encoding != 'b') {
            p = w.end;
            continue;
        }
        const char *run_end = b_run_end(&w, end, &tangled);
        if (tangled) {
            gz_buf bytes = {0};
            unsigned bits = 0;
            int nbits = 0, ok = 1;
            for (const char *q = p; ok && q < run_end;) {
                encoded_word x;
                if (encoded_word_at(q, run_end, &x))
                    ok = put_base64_decoded((const unsigned char *)x.text,
                                            (const unsigned char *)x.text_end,
                                            &bits, &nbits, &bytes);
                q = x.end;
            }
            if (ok && !bytes.failed && bytes.len) {
                gz_buf_put(&out, copied, (size_t)(p - copied));
                gz_buf_put(&out, p, (size_t)(w.text - 1 - p)); /* =?cs?B */
                gz_buf_put(&out, "?", 1);
                put_b(&out, (const unsigned char *)bytes.data, bytes.len);
                gz_buf_put(&out, "?=", 2);
                copied = run_end;
                changed = 1;
            }
            out.failed |= bytes.failed;
            gz_buf_free(&bytes);
        }
        p = run_end;
    }
    if (changed) {
        gz_buf_put(&out, copied, (size_t)(end - copied));
        put_header_back(&out, start, len, hlen, NULL);
    }
    gz_buf_free(&out);
}

/*
 * relabel_utf8_words - the header block [*start, *start + *hlen) of a
 * message of *len bytes with its encoded words made readable as
 * part_text reads a text part of their charset (word_kind): a word
 * labelled with an 8-bit single-byte charset whose bytes are valid
 * UTF-8 beyond ASCII ("=?iso-8859-1?Q?Caf=C3=A9?=") is relabelled UTF-8,
 * where GMime would decode it as labelled ("CafÃ©"); so is a word of
 * WORD_OWN (UTF-8, ASCII, x-unknown, a charset GMime cannot convert)
 * whose bytes are UTF-8, and one whose bytes are not is rewritten as a UTF-8 word of
 * them read as Windows-1252 (reencode_words, which cuts a huge one and
 * stops past REENCODE_BLOCK_MAX bytes), where GMime dropped them
 * ("Caf?") or read UTF-8 as Latin-1 ("ZÃ¼rich"). Adjacent words (white
 * space between) are judged together, as a mailer may split a
 * character's bytes between two; when together they are not UTF-8, each
 * alone, but for words a character is split between, judged together
 * (and rewritten as one word when they are WORD_OWN). The block is put
 * back by put_header_back: rewritten longer (the label "l1" is shorter
 * than "utf-8"), it goes with the rest of the message to a new buffer,
 * *owned (the caller frees it). When nothing changed, or out of memory,
 * the message stays as it is.
 * GMime must be loaded (gmime_cannot_convert).
 */
static void relabel_utf8_words(char **start, size_t *len, size_t *hlen,
                               char **owned)
{
    char *data = *start;
    const char *end = data + *hlen;
    gz_buf out = {0};
    const char *copied = data;   /* [copied, p) not yet written to out */
    int changed = 0;
    size_t budget = REENCODE_BLOCK_MAX;   /* bytes reencode_words may take */
    for (const char *p = data; p < end && !out.failed;) {
        encoded_word w;
        if (!encoded_word_at(p, end, &w) || word_kind(&w) == WORD_OTHER) {
            p = w.end;
            continue;
        }
        /* the run of adjacent such words starting at p, judged
         * together (a character split between two), else each alone, but
         * for words a character is split between (split_group_end),
         * judged together (a broken word, or one really in its charset,
         * keeps its own label only; words of WORD_OWN are read as UTF-8
         * with stray bytes, else Windows-1252) */
        const char *run_end = word_run_end(&w, end);
        if (words_are_utf8(p, run_end)) {
            changed |= relabel_words(&out, &copied, p, run_end);
        } else {
            for (const char *q = p; q < run_end;) {
                encoded_word x;
                if (!encoded_word_at(q, run_end, &x)) {
                    q = x.end;
                    continue;
                }
                const char *g_end = split_group_end(&x, run_end);
                if (g_end != x.end && !words_are_utf8(q, g_end) &&
                    !words_all_own(q, g_end))
                    g_end = x.end;
                if (run_end != w.end && words_are_utf8(q, g_end)) {
                    changed |= relabel_words(&out, &copied, q, g_end);
                } else if (words_all_own(q, g_end) &&
                           (g_end != x.end || word_has_8bit(&x))) {
                    changed |= reencode_words(&out, &copied, q, g_end,
                                              &budget);
                }
                q = g_end;
            }
        }
        p = run_end;
    }
    if (changed) {
        gz_buf_put(&out, copied, (size_t)(end - copied));
        put_header_back(&out, start, len, hlen, owned);
    }
    gz_buf_free(&out);
}

/* The author: the first From address's display name, else its address.
 * A new string ("" when there is none); NULL when out of memory. */
static char *message_author(GMimeMessage *msg)
{
    InternetAddressList *from = gm.g_mime_message_get_from(msg);
    if (!from || gm.internet_address_list_length(from) < 1)
        return dup_str(NULL);
    InternetAddress *ia = gm.internet_address_list_get_address(from, 0);
    const char *name = gm.internet_address_get_name(ia);
    if (name && *name)
        return dup_str(name);
    if (is_a(ia, gm.internet_address_mailbox_get_type()))
        return dup_str(gm.internet_address_mailbox_get_addr(
            (InternetAddressMailbox *)ia));
    return dup_str(NULL);
}

/* The date: "YYYY-MM-DD" of the Date header, the calendar day as written
 * there. Read by corpus_parse_date(), the parser of every other format,
 * so that the same text means the same day in a mail and in a .txt
 * header (two-digit years above all: "5 Apr 55" is 1955 there, where
 * GMime would say 2055); by GMime (which keeps the header's own offset)
 * only when that parser does not understand it; the header as written
 * when neither does (corpus_emit then warns); "" without one. A new
 * string; NULL when out of memory. */
static char *message_date(GMimeMessage *msg)
{
    const char *raw = gm.g_mime_object_get_header((GMimeObject *)msg, "Date");
    char iso[16];
    int y, m, d;
    if (raw && corpus_parse_date(raw, &y, &m, &d)) {
        snprintf(iso, sizeof iso, "%04d-%02d-%02d", y, m, d);
        return dup_str(iso);
    }
    GDateTime *dt = gm.g_mime_message_get_date(msg);
    if (dt) {
        gm.g_date_time_get_ymd(dt, &y, &m, &d);
        snprintf(iso, sizeof iso, "%04d-%02d-%02d", y, m, d);
        return dup_str(iso);
    }
    return dup_str(raw);
}

/* Replace every control character of `s` (tabs and newlines included) by
 * a space, in place: a header is one line. */
static void one_line(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7F)
            *s = ' ';
}

/* The parts of an article that this file allocates. */
typedef struct mail_fields {
    char *title, *author, *date, *groups, *body;
    const char **tags;
} mail_fields;

static void fields_free(mail_fields *f)
{
    free(f->title);
    free(f->author);
    free(f->date);
    free(f->groups);
    free(f->body);
    free((void *)f->tags);
}

/*
 * emit_message - the article of a parsed message: fields copied out of
 * GMime's objects into `f` (freed by the caller), then handed on.
 */
static corpus_status emit_message(corpus_reader *rd, GMimeMessage *msg,
                                  mail_fields *f)
{
    size_t body_len = 0, ntags = 0;
    f->title = dup_str(gm.g_mime_message_get_subject(msg));
    f->author = message_author(msg);
    f->date = message_date(msg);
    f->groups = dup_str(gm.g_mime_object_get_header((GMimeObject *)msg,
                                                 "Newsgroups"));
    f->body = message_body(rd, msg, &body_len);
    if (!f->title || !f->author || !f->date || !f->groups || !f->body ||
        corpus_split_list(f->groups, &f->tags, &ntags) != 0)
        return corpus_why(rd->why, rd->whylen, CORPUS_ERR_NOMEM,
                          "out of memory reading mail");
    one_line(f->title);
    one_line(f->author);
    one_line(f->date);
    char *title = f->title, *author = f->author, *body = f->body;
    size_t tlen = strlen(title), alen = strlen(author);
    trim_span(&title, &tlen);
    trim_span(&author, &alen);
    trim_span(&body, &body_len);
    if (!*title && body_len == 0)
        return corpus_why(rd->why, rd->whylen, CORPUS_SKIP_EMPTY,
                          "no subject and no text");
    if (body_len == 0 && warn_no_text(rd, msg) != 0)
        return corpus_why(rd->why, rd->whylen, CORPUS_ERR_NOMEM,
                          "out of memory reading mail");
    corpus_article a = {
        .id = rd->file->relpath, .title = title, .body = body,
        .body_len = body_len, .date = *f->date ? f->date : NULL,
        .author = *author ? author : NULL, .tags = f->tags, .ntags = ntags};
    return corpus_emit(rd, &a, 0);
}

/*
 * corpus_parse_mail - see corpus_internal.h and the top of this file.
 * `text` holds the file's bytes undecoded (a "raw" format in read.c). A
 * file that does not open with a mail header block is CORPUS_NOT_ARTICLE
 * when its name has no extension (it was only a candidate); one called
 * .eml needs only one header field (header_block_len), and is malformed
 * without.
 */
corpus_status corpus_parse_mail(corpus_reader *rd, corpus_buf *text)
{
    char *data = text->data;
    size_t len = text->len;
    /* a name without extension is only a candidate; an .eml says it is
     * mail (a .txt comes here once its head was sniffed as mail) */
    int sniff = corpus_name_kind_of(rd->file->relpath, NULL) ==
                CORPUS_NAME_MAYBE_MAIL;
    if (header_block_len(data, len, sniff) == 0) {
        if (sniff)
            return corpus_why(rd->why, rd->whylen, CORPUS_NOT_ARTICLE,
                              "no known extension and no mail header "
                              "block");
        return corpus_why(rd->why, rd->whylen, CORPUS_SKIP_MALFORMED,
                          "no mail header block at the start");
    }
    size_t messages;
    len = first_message_len(data, len, &messages);
    if (messages > 1)
        corpus_warning(rd, 0, "holds %zu mail messages (an mbox): only the "
                       "first is read", messages);
    size_t skip = preamble_len(data, len);   /* GMime wants fields first */
    data += skip;
    len -= skip;
    if (corpus_lib_use(&gmime) != 0)  /* not the file's fault: stop the run */
        return corpus_why(rd->why, rd->whylen, CORPUS_ERR_RESOURCES, "%s",
                          gmime.failure);
    /* B words joined after relabelling: it judges them one by one (a
     * word of bytes not UTF-8 beside a UTF-8 one), and it can make two
     * neighbours of one charset */
    char *grown = NULL;
    size_t hlen = header_block_len(data, len, sniff);
    relabel_utf8_words(&data, &len, &hlen, &grown);
    join_b_runs(&data, &len, &hlen);
    GMimeMessage *msg = parse_message(data, len);
    if (!msg) {
        free(grown);
        return corpus_why(rd->why, rd->whylen, CORPUS_SKIP_MALFORMED,
                          "not a mail message GMime can read");
    }
    mail_fields f = {0};
    corpus_status s = emit_message(rd, msg, &f);
    fields_free(&f);
    gm.g_object_unref(msg);
    free(grown);
    return s;
}
