// Walking /AcroForm /Fields of a loaded PDF ourselves, rather than through PoDoFo's field and
// page API, which loses names and values that sit on parent fields (what pdftk and most
// viewers write), is quadratic, and crashes on damaged page objects.
//
// SECURITY: every object is untrusted. References are followed only through a visited set
// (a cycle or a shared kid is skipped with a defect), nesting stops at max_depth, and the
// numbers of dictionaries, fields and value bytes are bounded by PdfLimits; hitting a limit
// makes the outcome unreadable with a reason naming it. Objects of an unexpected type are
// skipped. PoDoFo loads objects lazily, so a damaged object throws PdfError from here.
#include <podofo/podofo.h>

#include <set>
#include <vector>

#include "parsers/pdf_internal.hpp"
#include "parsers/text.hpp"

namespace casegate::parsers {
namespace {

using PoDoFo::PdfArray;
using PoDoFo::PdfName;
using PoDoFo::PdfObject;
using PoDoFo::PdfReference;
using PoDoFo::PdfVecObjects;

// Field flags (ISO 32000-1, tables 226, 228 and 230), as bit values.
constexpr PoDoFo::pdf_int64 kFlagRadio = 1 << 15;
constexpr PoDoFo::pdf_int64 kFlagPushButton = 1 << 16;
constexpr std::size_t kMaxInfoEntries = 64;

std::string text_of(const PoDoFo::PdfString& s) {
    if (!s.IsValid() || s.GetString() == nullptr) return {};
    const std::string_view bytes(s.GetString(), static_cast<std::size_t>(s.GetLength()));
    // PoDoFo has already taken the byte-order mark off a UTF-16BE string.
    return s.IsUnicode() ? utf16be_to_utf8(bytes) : pdf_text_to_utf8(bytes);
}

bool is_text_string(const PdfObject* o) {
    return o && (o->IsString() || o->IsHexString());
}

class FieldWalker {
  public:
    FieldWalker(const PdfVecObjects& objects, const PdfLimits& limits, PdfFormOutcome& out)
        : objects_(objects), limits_(limits), out_(out) {}

    // Walks the /Fields array; false when a limit stopped it (out.reason says which).
    bool walk_fields(const PdfArray& fields) {
        for (const PdfObject& item : fields) {
            walk(follow(&item), Inherited{}, 1);
            if (stopped_) return false;
        }
        return true;
    }

    // An object, or what it refers to; nullptr for a missing object or one seen before.
    const PdfObject* follow(const PdfObject* o) {
        if (!o || !o->IsReference()) return o;
        const PdfReference& ref = o->GetReference();
        if (!visited_.insert(ref).second) {
            defect("object " + ref.ToString() +
                   " reached twice (a cycle or a shared kid): skipped");
            return nullptr;
        }
        return objects_.GetObject(ref);
    }

    // A dictionary entry, resolving one reference (without marking it visited: values are
    // leaves, not tree nodes).
    const PdfObject* get(const PdfObject* dict, const char* key) const {
        if (!dict || !dict->IsDictionary()) return nullptr;
        const PdfObject* o = dict->GetDictionary().GetKey(PdfName(key));
        if (o && o->IsReference()) o = objects_.GetObject(o->GetReference());
        return o;
    }

  private:
    // What a field inherits from its ancestors (ISO 32000-1 12.7.3.1).
    struct Inherited {
        std::string name;
        std::string type;  // /FT
        const PdfObject* value = nullptr;
        const PdfObject* options = nullptr;  // /Opt, for radio export values
        PoDoFo::pdf_int64 flags = 0;
    };

    void defect(std::string text) {
        if (out_.defects.size() < 100) out_.defects.push_back(std::move(text));
    }

    void stop(std::string reason) {
        if (stopped_) return;
        stopped_ = true;
        out_.kind = PdfFormKind::unreadable;
        out_.reason = std::move(reason);
    }

    // A decoded string within max_value_bytes, or stops.
    std::string bounded(std::string text) {
        if (text.size() > limits_.max_value_bytes) {
            stop("a field value or name of " + std::to_string(text.size()) +
                 " bytes exceeds limit max_value_bytes=" + std::to_string(limits_.max_value_bytes));
            return {};
        }
        return text;
    }

    Inherited inherit(const PdfObject* node, const Inherited& parent) {
        Inherited here = parent;
        if (const PdfObject* t = get(node, "T"); is_text_string(t)) {
            const std::string partial = bounded(text_of(t->GetString()));
            here.name = parent.name.empty() ? partial : parent.name + "." + partial;
        }
        if (const PdfObject* ft = get(node, "FT"); ft && ft->IsName())
            here.type = ft->GetName().GetName();
        if (const PdfObject* v = get(node, "V")) here.value = v;
        if (const PdfObject* opt = get(node, "Opt"); opt && opt->IsArray()) here.options = opt;
        if (const PdfObject* ff = get(node, "Ff"); ff && ff->IsNumber())
            here.flags = ff->GetNumber();
        return here;
    }

    // Counts one field or widget dictionary; false (and stopped) past max_field_objects.
    bool count_object() {
        if (++objects_seen_ <= limits_.max_field_objects) return true;
        stop("field and widget dictionaries exceed limit max_field_objects=" +
             std::to_string(limits_.max_field_objects));
        return false;
    }

    void walk(const PdfObject* node, const Inherited& parent, int depth) {
        if (stopped_ || !node) return;
        if (depth > limits_.max_depth) {
            stop("field nesting exceeds limit max_depth=" + std::to_string(limits_.max_depth));
            return;
        }
        if (!node->IsDictionary()) {
            defect("a field entry that is not a dictionary: skipped");
            return;
        }
        if (!count_object()) return;
        const Inherited here = inherit(node, parent);
        if (stopped_) return;
        // Kids with a name (or kids of their own) are fields; the rest are its widgets.
        std::vector<const PdfObject*> widgets;
        std::vector<const PdfObject*> children;
        if (const PdfObject* kids = get(node, "Kids"); kids && kids->IsArray()) {
            for (const PdfObject& item : kids->GetArray()) {
                const PdfObject* kid = follow(&item);
                if (!kid || !kid->IsDictionary()) continue;
                const bool is_field = kid->GetDictionary().HasKey(PdfName("T")) ||
                                      kid->GetDictionary().HasKey(PdfName("Kids"));
                if (is_field) {
                    children.push_back(kid);  // counted when walked
                } else if (!count_object()) {
                    return;
                } else {
                    widgets.push_back(kid);
                }
            }
        } else {
            widgets.push_back(node);  // field and widget merged in one dictionary
        }
        for (const PdfObject* child : children) walk(child, here, depth + 1);
        if (children.empty() || !widgets.empty()) emit(here, widgets);
    }

    // The checkbox or radio state: /V, else the first widget's /AS that is not Off.
    std::string button_state(const Inherited& f, const std::vector<const PdfObject*>& widgets) {
        if (f.value && f.value->IsName()) return bounded(repair_utf8(f.value->GetName().GetName()));
        if (is_text_string(f.value)) return bounded(text_of(f.value->GetString()));
        for (const PdfObject* w : widgets) {
            const PdfObject* as = get(w, "AS");
            if (as && as->IsName() && as->GetName().GetName() != "Off")
                return bounded(repair_utf8(as->GetName().GetName()));
        }
        return {};
    }

    std::vector<std::string> text_values(const PdfObject* v) {
        std::vector<std::string> values;
        if (!v) return values;
        if (is_text_string(v)) {
            values.push_back(bounded(text_of(v->GetString())));
        } else if (v->IsName()) {
            values.push_back(bounded(repair_utf8(v->GetName().GetName())));
        } else if (v->IsArray()) {
            for (const PdfObject& item : v->GetArray()) {
                const PdfObject* o =
                    item.IsReference() ? objects_.GetObject(item.GetReference()) : &item;
                if (is_text_string(o)) values.push_back(bounded(text_of(o->GetString())));
            }
        } else if (v->HasStream()) {
            defect("a field value held in a stream: ignored");
        }
        return values;
    }

    // A radio state named by index into /Opt ("0", "1", …) becomes the export value there.
    std::string radio_value(const Inherited& f, const std::string& state) {
        if (!f.options || state.empty() || state.size() > 6 ||
            state.find_first_not_of("0123456789") != std::string::npos) {
            return state;
        }
        const PdfArray& opt = f.options->GetArray();
        const std::size_t i = std::stoul(state);
        if (i >= opt.size()) return state;
        const PdfObject& o = opt[i];
        const PdfObject* item = o.IsReference() ? objects_.GetObject(o.GetReference()) : &o;
        return is_text_string(item) ? bounded(text_of(item->GetString())) : state;
    }

    void emit(const Inherited& f, const std::vector<const PdfObject*>& widgets) {
        PdfField field;
        field.name = f.name;
        if (f.type == "Tx") {
            field.type = PdfFieldType::text;
            field.values = text_values(f.value);
        } else if (f.type == "Ch") {
            field.type = PdfFieldType::choice;
            field.values = text_values(f.value);
        } else if (f.type == "Btn") {
            if (f.flags & kFlagPushButton) return;  // no value
            const bool radio = (f.flags & kFlagRadio) != 0;
            field.type = radio ? PdfFieldType::radio : PdfFieldType::checkbox;
            const std::string state = button_state(f, widgets);
            field.checked = !state.empty() && state != "Off";
            if (field.checked) field.values.push_back(radio ? radio_value(f, state) : state);
        } else {
            if (f.type.empty()) defect("a field without /FT: skipped");
            return;  // signatures and unknown types carry nothing for a form
        }
        if (stopped_) return;
        if (field.name.empty()) {
            defect("a field without a name: skipped");
            return;
        }
        if (out_.fields.size() >= limits_.max_fields) {
            stop("form fields exceed limit max_fields=" + std::to_string(limits_.max_fields));
            return;
        }
        out_.fields.push_back(std::move(field));
    }

    const PdfVecObjects& objects_;
    const PdfLimits& limits_;
    PdfFormOutcome& out_;
    std::set<PdfReference> visited_;
    std::size_t objects_seen_ = 0;
    bool stopped_ = false;
};

void read_info(const PoDoFo::PdfMemDocument& doc, FieldWalker& walker, const PdfLimits& limits,
               PdfFormOutcome& out) {
    const PdfObject* info = walker.get(doc.GetTrailer(), "Info");
    if (!info || !info->IsDictionary()) return;
    for (const auto& [key, raw] : info->GetDictionary().GetKeys()) {
        if (out.info.size() >= kMaxInfoEntries) break;
        const PdfObject* value =
            raw && raw->IsReference() ? doc.GetObjects().GetObject(raw->GetReference()) : raw;
        if (!is_text_string(value)) continue;
        std::string text = text_of(value->GetString());
        if (text.size() > limits.max_value_bytes) continue;
        out.info.emplace_back(repair_utf8(key.GetName()), std::move(text));
    }
}

}  // namespace

void read_acroform(const PoDoFo::PdfMemDocument& doc, const PdfLimits& limits,
                   PdfFormOutcome& out) {
    FieldWalker walker(doc.GetObjects(), limits, out);
    read_info(doc, walker, limits, out);
    const PdfObject* acroform = walker.get(doc.GetCatalog(), "AcroForm");
    const PdfObject* fields = walker.get(acroform, "Fields");
    const bool xfa = walker.get(acroform, "XFA") != nullptr;
    const bool has_fields = fields && fields->IsArray() && !fields->GetArray().empty();
    if (!has_fields) {
        out.kind = xfa ? PdfFormKind::xfa_only : PdfFormKind::no_fields;
        out.reason = xfa ? "an XFA form without AcroForm fields" : "the PDF has no form fields";
        return;
    }
    if (!walker.walk_fields(fields->GetArray())) return;
    if (out.fields.empty()) {
        out.kind = PdfFormKind::no_fields;
        out.reason = "the PDF has no fillable form fields";
        return;
    }
    if (xfa) out.defects.emplace_back("XFA form data ignored; the AcroForm fields were read");
    out.kind = PdfFormKind::form;
    out.reason.clear();
}

}  // namespace casegate::parsers
