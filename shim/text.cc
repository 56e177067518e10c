// text.cc - the shim: text: Unicode case, stemmers, stoppers, the term generator.
#include "internal.h"

// ----------------------------------------------------------------- unicode

// Code points past U+10FFFF are not characters; Xapian's tables assume
// valid input, so they are answered here.
static bool is_code_point(uint32_t ch)
{
    return ch <= 0x10FFFF;
}

int xap_unicode_is_upper(uint32_t ch)
{
    if (!is_code_point(ch))
        return 0;
    Xapian::Unicode::category c = Xapian::Unicode::get_category(ch);
    return c == Xapian::Unicode::UPPERCASE_LETTER ||
           c == Xapian::Unicode::TITLECASE_LETTER;
}

int xap_unicode_is_lower(uint32_t ch)
{
    return is_code_point(ch) && Xapian::Unicode::get_category(ch) ==
                                    Xapian::Unicode::LOWERCASE_LETTER;
}

int xap_unicode_is_wordchar(uint32_t ch)
{
    return is_code_point(ch) && Xapian::Unicode::is_wordchar(ch);
}

int xap_unicode_is_cjk(uint32_t ch)
{
    // Xapian 1.4's CJK::codepoint_is_cjk (cjk-tokenizer.cc; not exported),
    // and a word character, as its n-gram tokenizer reads a run.
    bool cjk = (ch >= 0x2E80 && ch <= 0x2EFF) ||
               (ch >= 0x3000 && ch <= 0x9FFF) ||
               (ch >= 0xA700 && ch <= 0xA71F) ||
               (ch >= 0xAC00 && ch <= 0xD7AF) ||
               (ch >= 0xF900 && ch <= 0xFAFF) ||
               (ch >= 0xFE30 && ch <= 0xFE4F) ||
               (ch >= 0xFF00 && ch <= 0xFFEF) ||
               (ch >= 0x20000 && ch <= 0x2A6DF) ||
               (ch >= 0x2F800 && ch <= 0x2FA1F);
    return cjk && Xapian::Unicode::is_wordchar(ch);
}

uint32_t xap_unicode_tolower(uint32_t ch)
{
    return is_code_point(ch) ? Xapian::Unicode::tolower(ch) : ch;
}

uint32_t xap_unicode_toupper(uint32_t ch)
{
    return is_code_point(ch) ? Xapian::Unicode::toupper(ch) : ch;
}

xap_status xap_unicode_tolower_utf8(const char *text, size_t len, char **out,
                                    size_t *out_len)
{
    return guard(__func__, [&] {
        if (len)
            NEED(text);
        NEED(out);
        std::string lower =
            Xapian::Unicode::tolower(std::string(text ? text : "", len));
        char *copy = dup_bytes(lower);
        if (out_len)
            *out_len = lower.size();
        *out = copy;
        return XAP_OK;
    });
}

// -------------------------------------------------------- stemmer, stopper

xap_status xap_stem_new(const char *language, xap_stem **out)
{
    return guard(__func__, [&] {
        NEED(language);
        NEED(out);
        *out = new xap_stem{Xapian::Stem(language)};
        return XAP_OK;
    });
}

namespace {

// A StemImplementation calling back into C (xap_stem_new_custom).
class CallbackStemmer : public Xapian::StemImplementation {
  public:
    CallbackStemmer(xap_stem_fn fn, void *ctx, void (*release)(void *))
        : fn_(fn), ctx_(ctx), release_(release) {}
    ~CallbackStemmer() override
    {
        if (release_)
            release_(ctx_);
    }
    std::string operator()(const std::string &word) override
    {
        size_t len = 0;
        const char *stem = fn_(word.c_str(), word.size(), &len, ctx_);
        if (!stem)
            throw Xapian::InternalError("the stemmer's callback failed");
        return std::string(stem, len);
    }
    std::string get_description() const override { return "callback"; }

  private:
    xap_stem_fn fn_;
    void *ctx_;
    void (*release_)(void *);
};

}  // namespace

xap_status xap_stem_new_custom(xap_stem_fn fn, void *ctx,
                               void (*release)(void *ctx), xap_stem **out)
{
    bool owned = false;   // the implementation releases ctx from now on
    xap_status s = guard(__func__, [&] {
        NEED(fn);
        NEED(out);
        std::unique_ptr<CallbackStemmer> impl(
            new CallbackStemmer(fn, ctx, release));
        owned = true;
        Xapian::Stem stem(impl.release());   // reference-counted from here
        *out = new xap_stem{stem};
        return XAP_OK;
    });
    if (s != XAP_OK && !owned && release)
        release(ctx);
    return s;
}

void xap_stem_free(xap_stem *stem)
{
    delete stem;
}

xap_status xap_stem_word(const xap_stem *stem, const char *word, char **out)
{
    return guard(__func__, [&] {
        NEED(stem);
        NEED(word);
        NEED(out);
        *out = dup_bytes(stem->stem(word));
        return XAP_OK;
    });
}

const char *xap_stem_languages(void)
{
    try {
        // Function-local static: initialised once, thread-safely; retried
        // on a later call if the first attempt throws.
        static const std::string langs =
            Xapian::Stem::get_available_languages();
        return langs.c_str();
    } catch (...) {
        return "";
    }
}

xap_status xap_stem_canonical(const char *language, char **out)
{
    return guard(__func__, [&] {
        NEED(language);
        NEED(out);
        // "Xapian::Stem(english)": the description names the algorithm
        // whatever alias chose it; "Xapian::Stem(none)" for no stemmer.
        std::string desc = Xapian::Stem(language).get_description();
        static const std::string head = "Xapian::Stem(";
        std::string name = language;
        if (desc.size() > head.size() + 1 &&
            desc.compare(0, head.size(), head) == 0 && desc.back() == ')')
            name = desc.substr(head.size(), desc.size() - head.size() - 1);
        *out = dup_bytes(name);
        return XAP_OK;
    });
}

xap_status xap_stopper_new(const char *const *words, size_t nwords,
                           xap_stopper **out)
{
    return guard(__func__, [&] {
        if (nwords)
            NEED(words);
        NEED(out);
        auto s = std::make_shared<Xapian::SimpleStopper>();
        for (size_t i = 0; i < nwords; i++) {
            NEED(words[i]);
            s->add(words[i]);
        }
        *out = new xap_stopper{std::move(s)};
        return XAP_OK;
    });
}

void xap_stopper_free(xap_stopper *stopper)
{
    delete stopper;
}

// ----------------------------------------------------------- termgenerator

xap_status xap_termgen_new(xap_termgen **out)
{
    return guard(__func__, [&] {
        NEED(out);
        *out = new xap_termgen{};
        return XAP_OK;
    });
}

void xap_termgen_free(xap_termgen *tg)
{
    delete tg;
}

xap_status xap_termgen_set_stemmer(xap_termgen *tg, const xap_stem *stem)
{
    return guard(__func__, [&] {
        NEED(tg);
        NEED(stem);
        tg->tg.set_stemmer(stem->stem);
        return XAP_OK;
    });
}

xap_status xap_termgen_set_stemming_strategy(xap_termgen *tg,
                                             xap_stem_strategy strategy)
{
    return guard(__func__, [&] {
        NEED(tg);
        tg->tg.set_stemming_strategy(to_strategy<Xapian::TermGenerator::stem_strategy>(strategy));
        return XAP_OK;
    });
}

xap_status xap_termgen_set_flags(xap_termgen *tg, unsigned flags)
{
    return guard(__func__, [&] {
        NEED(tg);
        if (flags & ~static_cast<unsigned>(XAP_TG_FLAG_SPELLING |
                                           XAP_TG_FLAG_CJK_NGRAM))
            bad_arg("unknown flags " + std::to_string(flags));
        int x = 0;
        if (flags & XAP_TG_FLAG_SPELLING)
            x |= Xapian::TermGenerator::FLAG_SPELLING;
        if (flags & XAP_TG_FLAG_CJK_NGRAM)
            x |= Xapian::TermGenerator::FLAG_CJK_NGRAM;
        // A zero mask replaces all flags by `x`.
        tg->tg.set_flags(static_cast<Xapian::TermGenerator::flags>(x));
        return XAP_OK;
    });
}

xap_status xap_termgen_set_database(xap_termgen *tg, xap_writable *w)
{
    return guard(__func__, [&] {
        NEED(tg);
        NEED(w);
        tg->tg.set_database(w->wdb);
        return XAP_OK;
    });
}

xap_status xap_termgen_set_document(xap_termgen *tg, xap_document *doc)
{
    return guard(__func__, [&] {
        NEED(tg);
        NEED(doc);
        // Document copies share their internals, so terms the generator
        // adds show up in `doc`.
        tg->tg.set_document(doc->doc);
        return XAP_OK;
    });
}

xap_status xap_termgen_index_text(xap_termgen *tg, const char *text,
                                  size_t len, unsigned wdf_inc,
                                  const char *prefix)
{
    return guard(__func__, [&] {
        NEED(tg);
        if (len)
            NEED(text);
        tg->tg.index_text(std::string(text ? text : "", len), wdf_inc,
                          opt(prefix));
        return XAP_OK;
    });
}

xap_status xap_termgen_increase_termpos(xap_termgen *tg, unsigned delta)
{
    return guard(__func__, [&] {
        NEED(tg);
        tg->tg.increase_termpos(delta);
        return XAP_OK;
    });
}

xap_status xap_termgen_set_termpos(xap_termgen *tg, unsigned pos)
{
    return guard(__func__, [&] {
        NEED(tg);
        tg->tg.set_termpos(pos);
        return XAP_OK;
    });
}

