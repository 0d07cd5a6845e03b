// Charset conversion to UTF-8 with glibc's iconv, and UTF-8 validation and repair.
//
// SECURITY: both the bytes and the charset name come from the sender. An unknown name falls
// back to windows-1252 (every byte decodes, so nothing is lost silently); bytes that are
// invalid in the declared charset become U+FFFD. The result is always well-formed UTF-8.
#include <iconv.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <map>
#include <string>

#include "parsers/headers.hpp"
#include "parsers/text.hpp"

namespace casegate::parsers {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Names seen in real mail that glibc does not know, or knows by another name. ISO-8859-1 is
// read as windows-1252, as browsers do: its 0x80-0x9F range is C1 controls that no one means,
// while Outlook labels cp1252 text (smart quotes, euro sign) as iso-8859-1.
std::string iconv_name(std::string_view charset) {
    std::string name = to_lower_ascii(trim(charset));
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"')
        name = name.substr(1, name.size() - 2);
    if (name == "iso-8859-1" || name == "iso8859-1" || name == "latin1" || name == "latin-1" ||
        name == "iso_8859-1" || name == "cp1252" || name == "windows-1252" || name == "ansi")
        return "windows-1252";
    if (name == "ks_c_5601-1987") return "cp949";
    if (name == "x-gbk") return "gbk";
    if (name == "unicode-1-1-utf-7") return "utf-7";
    return name;
}

bool is_utf8_name(std::string_view name) {
    return name == "utf-8" || name == "utf8";
}
bool is_ascii_name(std::string_view name) {
    return name.empty() || name == "us-ascii" || name == "ascii" || name == "ansi_x3.4-1968";
}

// Runs iconv over all of `bytes`, putting U+FFFD for each byte it cannot convert.
std::string convert(iconv_t cd, std::string_view bytes, bool& replaced) {
    std::string out;
    std::array<char, 4096> buffer{};
    char* in = const_cast<char*>(bytes.data());  // iconv's prototype is not const-correct
    std::size_t in_left = bytes.size();
    bool flushing = false;
    while (true) {
        char* dst = buffer.data();
        std::size_t dst_left = buffer.size();
        const std::size_t rc = flushing ? iconv(cd, nullptr, nullptr, &dst, &dst_left)
                                        : iconv(cd, &in, &in_left, &dst, &dst_left);
        const int err = errno;
        out.append(buffer.data(), buffer.size() - dst_left);
        if (rc != static_cast<std::size_t>(-1)) {
            if (flushing) break;
            flushing = true;
            continue;
        }
        if (err == E2BIG) continue;
        if (flushing) break;
        replaced = true;
        out += kReplacement;
        if (err == EILSEQ && in_left > 0) {
            ++in;  // skip the offending byte and carry on
            --in_left;
        } else {
            in_left = 0;  // EINVAL: an incomplete sequence at the end of the input
        }
    }
    return out;
}

// Converters stay open for the life of the process: opening one costs a gconv module lookup,
// and a sandboxed parser cannot open module files at all once its filter is on, so the common
// ones are opened before (prepare_charsets). A name that fails to open is remembered too.
// Past the bound (names come from senders) a converter is opened and closed per use.
constexpr std::size_t kMaxCachedConverters = 128;

struct ConverterCache {
    std::map<std::string, iconv_t> open;
    ~ConverterCache() {
        for (auto& [name, cd] : open)
            if (cd != nullptr) iconv_close(cd);
    }
};

class Converter {
  public:
    explicit Converter(const std::string& from) {
        static ConverterCache converters;
        auto& cache = converters.open;
        if (const auto it = cache.find(from); it != cache.end()) {
            cd_ = it->second;
            if (cd_ != nullptr) iconv(cd_, nullptr, nullptr, nullptr, nullptr);  // reset state
            return;
        }
        cd_ = iconv_open("UTF-8", from.c_str());
        if (reinterpret_cast<std::intptr_t>(cd_) == -1) cd_ = nullptr;  // (iconv_t)-1: failed
        if (cache.size() < kMaxCachedConverters) {
            cache.emplace(from, cd_);
        } else {
            owned_ = true;
        }
    }
    ~Converter() {
        if (owned_ && cd_ != nullptr) iconv_close(cd_);
    }
    Converter(const Converter&) = delete;
    Converter& operator=(const Converter&) = delete;

    iconv_t get() const { return cd_; }
    explicit operator bool() const { return cd_ != nullptr; }

  private:
    iconv_t cd_ = nullptr;
    bool owned_ = false;
};

std::string from_windows_1252(std::string_view bytes) {
    const Converter cd("windows-1252");
    if (!cd) return repair_utf8(bytes);  // glibc without its gconv modules
    bool replaced = false;
    return repair_utf8(convert(cd.get(), bytes, replaced));
}

// Charset names go to iconv_open, so only plain registry-style names are passed on.
bool plausible_charset_name(std::string_view name) {
    if (name.empty() || name.size() > 40) return false;
    for (char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                        c == '.' || c == ':';
        if (!ok) return false;
    }
    return true;
}

// Length of the well-formed UTF-8 sequence at s[i], or the length of its longest valid
// prefix as a negative number (at least -1) when it is ill-formed.
int sequence_length(std::string_view s, std::size_t i) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) return 1;
    int need = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        need = 1;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        need = 2;
        if (b0 == 0xE0) lo = 0xA0;  // overlong
        if (b0 == 0xED) hi = 0x9F;  // surrogates
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        need = 3;
        if (b0 == 0xF0) lo = 0x90;  // overlong
        if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
        return -1;
    }
    for (int k = 1; k <= need; ++k) {
        if (i + static_cast<std::size_t>(k) >= s.size()) return -k;
        const auto b = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
        if (b < lo || b > hi) return -k;
        lo = 0x80;
        hi = 0xBF;
    }
    return need + 1;
}

}  // namespace

bool is_valid_utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const int len = sequence_length(s, i);
        if (len < 0) return false;
        i += static_cast<std::size_t>(len);
    }
    return true;
}

std::string repair_utf8(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        const int len = sequence_length(s, i);
        if (len > 0) {
            out.append(s.substr(i, static_cast<std::size_t>(len)));
            i += static_cast<std::size_t>(len);
        } else {
            out += kReplacement;  // one U+FFFD per maximal ill-formed subpart
            i += static_cast<std::size_t>(-len);
        }
    }
    return out;
}

std::string to_utf8(std::string_view bytes, std::string_view charset,
                    std::vector<std::string>* defects) {
    const std::string name = iconv_name(charset);
    if (is_utf8_name(name) || is_ascii_name(name)) {
        if (is_valid_utf8(bytes)) return std::string(bytes);
        if (is_utf8_name(name)) {
            add_defect(defects, "invalid UTF-8 in charset utf-8 replaced");
            return repair_utf8(bytes);
        }
        // Undeclared 8-bit text is far more often windows-1252 than anything else.
        add_defect(defects, "8-bit bytes in us-ascii text read as windows-1252");
        return from_windows_1252(bytes);
    }
    if (!plausible_charset_name(name)) {
        add_defect(defects, "unknown charset " + printable_excerpt(name));
        return from_windows_1252(bytes);
    }
    const Converter cd(name);
    if (!cd) {
        add_defect(defects, "unknown charset " + printable_excerpt(name));
        return from_windows_1252(bytes);
    }
    bool replaced = false;
    std::string out = convert(cd.get(), bytes, replaced);
    if (replaced)
        add_defect(defects, "invalid bytes in charset " + printable_excerpt(name) + " replaced");
    return is_valid_utf8(out) ? out : repair_utf8(out);
}

void prepare_charsets() {
    static const char* const kCommon[] = {
        "windows-1252", "iso-8859-2",   "iso-8859-15",  "windows-1250", "windows-1251",
        "windows-1253", "windows-1254", "windows-1257", "koi8-r",       "koi8-u",
        "utf-16",       "utf-16le",     "utf-16be",     "utf-7",        "gb2312",
        "gbk",          "gb18030",      "big5",         "shift_jis",    "euc-jp",
        "iso-2022-jp",  "euc-kr",       "cp949",        "iso-8859-5",   "iso-8859-7",
        "iso-8859-9",   "macintosh",    "ibm850"};
    for (const char* name : kCommon) Converter open(name);
}

}  // namespace casegate::parsers
