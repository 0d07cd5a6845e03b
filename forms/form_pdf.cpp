// Generating the fillable referral form with PoDoFo from referral_form(): one row per field,
// the label and help text on the left, the AcroForm widget on the right, flowing onto a new
// A4 page when a row does not fit.
//
// Design notes: field names are the form keys, so the reader (parsers/pdf_form.hpp) and
// pdf_form_fields() map values back without a table. Choice fields are combo boxes without
// free text ("only specified fields can be entered", seed 001); the multi-choice field is a
// multi-select list box; the optional yes/no field is a Yes/No combo box, so that "not
// answered" stays distinguishable from "no"; terms_accepted is a checkbox with its on/off
// appearances drawn here and the declaration printed beside it. NeedAppearances asks viewers
// to draw the text of filled fields themselves (pdftk's fill_form relies on it too).
#include "forms/form_pdf.hpp"

#include <podofo/podofo.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "forms/form.hpp"

namespace casegate::forms {
namespace {

using namespace PoDoFo;

constexpr double kPageWidth = 595.0;  // A4 in points
constexpr double kPageHeight = 842.0;
constexpr double kMargin = 42.0;
constexpr double kBottom = 56.0;  // lowest y a row may reach; the footer sits below
constexpr double kLabelWidth = 175.0;
constexpr double kFieldX = kMargin + kLabelWidth + 12.0;
constexpr double kFieldWidth = kPageWidth - kMargin - kFieldX;
constexpr double kLineHeight = 18.0;  // one-line widgets
constexpr double kListRow = 11.5;     // one option of the list box
constexpr double kDetailsHeight = 190.0;
constexpr double kCheckSize = 12.0;
constexpr double kRowGap = 9.0;
constexpr float kLabelSize = 9.5F;
constexpr float kHelpSize = 7.5F;
constexpr int kFieldFontSize = 10;

bool is_ascii(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return (c & 0x80) == 0; });
}

// A PDF text string from UTF-8: PDFDocEncoding when ASCII (which it equals), else UTF-16BE.
PdfString pdf_text(std::string_view utf8) {
    if (is_ascii(utf8)) return PdfString(std::string(utf8));
    return PdfString(reinterpret_cast<const pdf_utf8*>(utf8.data()),
                     static_cast<pdf_long>(utf8.size()));
}

double widget_height(const FieldDef& f) {
    switch (f.type) {
        case FieldType::long_text:
            return kDetailsHeight;
        case FieldType::multi_choice:
            return static_cast<double>(f.options.size()) * kListRow + 6.0;
        default:
            return kLineHeight;
    }
}

class FormWriter {
  public:
    explicit FormWriter(const std::vector<std::string>& employers)
        : employers_(employers),
          font_(doc_.CreateFont("Helvetica", false,
                                PdfEncodingFactory::GlobalWinAnsiEncodingInstance(),
                                PdfFontCache::eFontCreationFlags_AutoSelectBase14, false)),
          bold_(doc_.CreateFont("Helvetica-Bold", false,
                                PdfEncodingFactory::GlobalWinAnsiEncodingInstance(),
                                PdfFontCache::eFontCreationFlags_AutoSelectBase14, false)) {
        PdfAcroForm* acroform = doc_.GetAcroForm(true);
        acroform->SetNeedAppearances(true);
        field_da_ = "0 0 0 rg /" + font_->GetIdentifier().GetName() + " " +
                    std::to_string(kFieldFontSize) + " Tf";
        // The tick font goes into the form's default resources beside Helvetica.
        PdfFont* dingbats = doc_.CreateFont(
            "ZapfDingbats", true, PdfEncodingFactory::GlobalWinAnsiEncodingInstance(),
            PdfFontCache::eFontCreationFlags_AutoSelectBase14, false);
        acroform->GetObject()
            ->MustGetIndirectKey(PdfName("DR"))
            ->MustGetIndirectKey(PdfName("Font"))
            ->GetDictionary()
            .AddKey(dingbats->GetIdentifier(), dingbats->GetObject()->Reference());
        tick_da_ = "0 0 0 rg /" + dingbats->GetIdentifier().GetName() + " 0 Tf";
    }

    std::string write() {
        describe_document();
        new_page();
        heading();
        for (const FieldDef& f : referral_form()) row(f);
        version_field();
        painter_.FinishPage();
        std::ostringstream out;
        PdfOutputDevice device(&out);
        doc_.Write(&device);
        return out.str();
    }

  private:
    void describe_document() {
        PdfInfo* info = doc_.GetInfo();
        info->SetTitle(pdf_text("Referral about a doctor in training"));
        info->SetCreator(pdf_text("casegate"));
        info->GetObject()->GetDictionary().AddKey(PdfName(std::string(kFormVersionInfoKey)),
                                                  PdfString(std::to_string(kFormVersion)));
    }

    void new_page() {
        if (page_) painter_.FinishPage();
        page_ = doc_.CreatePage(PdfPage::CreateStandardPageSize(ePdfPageSize_A4));
        ++page_number_;
        painter_.SetPage(page_);
        y_ = kPageHeight - kMargin;
        text(font_, kHelpSize, 0.35, kMargin, 30.0,
             "Referral about a doctor in training - form version " + std::to_string(kFormVersion) +
                 " - page " + std::to_string(page_number_));
    }

    void text(PdfFont* font, float size, double gray, double x, double baseline,
              std::string_view s) {
        font->SetFontSize(size);
        painter_.SetFont(font);
        painter_.SetColor(gray, gray, gray);
        painter_.DrawText(x, baseline, pdf_text(s));
    }

    // Lines of `s` wrapped to `width` in `font` at `size`.
    std::vector<PdfString> wrap(PdfFont* font, float size, double width, std::string_view s) {
        font->SetFontSize(size);
        painter_.SetFont(font);
        return painter_.GetMultiLineTextAsLines(width, pdf_text(s));
    }

    // Draws wrapped text from the top `top`; returns the height used.
    double paragraph(PdfFont* font, float size, double gray, double x, double top, double width,
                     std::string_view s) {
        const std::vector<PdfString> lines = wrap(font, size, width, s);
        const double leading = size * 1.25;
        font->SetFontSize(size);
        painter_.SetFont(font);
        painter_.SetColor(gray, gray, gray);
        double baseline = top - size;
        for (const PdfString& line : lines) {
            painter_.DrawText(x, baseline, line);
            baseline -= leading;
        }
        return static_cast<double>(lines.size()) * leading;
    }

    double paragraph_height(PdfFont* font, float size, double width, std::string_view s) {
        return static_cast<double>(wrap(font, size, width, s).size()) * size * 1.25;
    }

    void heading() {
        text(bold_, 16.0F, 0.0, kMargin, y_ - 16.0, "Referral about a doctor in training");
        y_ -= 26.0;
        y_ -= paragraph(font_, 9.0F, 0.2, kMargin, y_, kPageWidth - 2 * kMargin,
                        "Please fill in this form and email it back as an attachment. Fields "
                        "marked * are required. Choose from the lists where there is one; hold "
                        "Ctrl (or Cmd) to choose more than one kind of support.");
        y_ -= 12.0;
    }

    std::string label_of(const FieldDef& f) const {
        return std::string(f.label) + (f.required ? " *" : "");
    }

    double label_height(const FieldDef& f) {
        return paragraph_height(bold_, kLabelSize, kLabelWidth, label_of(f)) + 2.0 +
               paragraph_height(font_, kHelpSize, kLabelWidth, f.help);
    }

    void row(const FieldDef& f) {
        const bool terms = f.key == "terms_accepted";
        const double right = terms ? declaration_height() : widget_height(f);
        const double height = std::max(label_height(f), right);
        if (y_ - height < kBottom) new_page();
        const double used =
            paragraph(bold_, kLabelSize, 0.0, kMargin, y_, kLabelWidth, label_of(f));
        paragraph(font_, kHelpSize, 0.35, kMargin, y_ - used - 2.0, kLabelWidth, f.help);
        if (terms) {
            checkbox(f);
        } else {
            widget(f, PdfRect(kFieldX, y_ - widget_height(f), kFieldWidth, widget_height(f)));
        }
        y_ -= height + kRowGap;
    }

    // The box behind a widget, drawn on the page so that it shows and prints in any viewer.
    void box(const PdfRect& r) {
        painter_.SetColor(0.93, 0.95, 1.0);
        painter_.Rectangle(r.GetLeft(), r.GetBottom(), r.GetWidth(), r.GetHeight());
        painter_.Fill();
        painter_.SetStrokingColor(0.45, 0.5, 0.6);
        painter_.SetStrokeWidth(0.6);
        painter_.Rectangle(r.GetLeft(), r.GetBottom(), r.GetWidth(), r.GetHeight());
        painter_.Stroke();
    }

    void common(PdfField& field, const FieldDef& f) {
        field.SetFieldName(pdf_text(f.key));
        field.SetAlternateName(pdf_text(f.label));  // the tooltip, read out by screen readers
        field.GetWidgetAnnotation()->SetFlags(ePdfAnnotationFlags_Print);
        field.GetFieldObject()->GetDictionary().AddKey(PdfName("DA"), PdfString(field_da_));
    }

    void widget(const FieldDef& f, const PdfRect& r) {
        box(r);
        if (f.type == FieldType::choice || f.type == FieldType::yes_no) {
            PdfComboBox combo(page_, r, &doc_);
            common(combo, f);
            if (f.type == FieldType::yes_no) {
                combo.InsertItem(pdf_text("Yes"));
                combo.InsertItem(pdf_text("No"));
            }
            for (std::string_view o : f.options) combo.InsertItem(pdf_text(o));
        } else if (f.key == "employer" && !employers_.empty()) {
            // The region's employers to pick from, and the box still takes any other name.
            PdfComboBox combo(page_, r, &doc_);
            common(combo, f);
            combo.SetEditable(true);
            for (const std::string& e : employers_) combo.InsertItem(pdf_text(e));
        } else if (f.type == FieldType::multi_choice) {
            PdfListBox list(page_, r, &doc_);
            common(list, f);
            list.SetMultiSelect(true);
            for (std::string_view o : f.options) list.InsertItem(pdf_text(o));
        } else {
            PdfTextField field(page_, r, &doc_);
            common(field, f);
            if (f.type == FieldType::long_text) {
                field.SetMultiLine(true);
                field.SetScrollBarsEnabled(true);
            } else {
                field.SetMaxLen(f.type == FieldType::gmc ? 12 : 1000);
            }
        }
    }

    double declaration_height() {
        return paragraph_height(font_, 8.5F, kFieldWidth - kCheckSize - 8.0, declaration_text());
    }

    // A 12 pt square, with a tick when `on`.
    PdfXObject& check_appearance(bool on) {
        const PdfRect r(0, 0, kCheckSize, kCheckSize);
        appearances_.push_back(std::make_unique<PdfXObject>(r, &doc_));
        PdfPainter p;
        p.SetPage(appearances_.back().get());
        p.SetColor(1.0, 1.0, 1.0);
        p.Rectangle(0, 0, kCheckSize, kCheckSize);
        p.Fill();
        p.SetStrokingColor(0.2, 0.2, 0.2);
        p.SetStrokeWidth(0.8);
        p.Rectangle(0.4, 0.4, kCheckSize - 0.8, kCheckSize - 0.8);
        p.Stroke();
        if (on) {
            p.SetStrokeWidth(1.6);
            p.DrawLine(2.5, 6.5, 5.0, 3.0);
            p.DrawLine(5.0, 3.0, 9.5, 9.5);
        }
        p.FinishPage();
        return *appearances_.back();
    }

    void checkbox(const FieldDef& f) {
        const PdfRect r(kFieldX, y_ - kCheckSize - 1.0, kCheckSize, kCheckSize);
        box(r);
        PdfCheckBox box_field(page_, r, &doc_);
        common(box_field, f);
        // For viewers that redraw the box themselves (NeedAppearances): a ZapfDingbats tick.
        box_field.GetFieldObject()->GetDictionary().AddKey(PdfName("DA"), PdfString(tick_da_));
        PdfDictionary mk;
        mk.AddKey(PdfName("CA"), PdfString("4"));
        box_field.GetFieldObject()->GetDictionary().AddKey(PdfName("MK"), mk);
        box_field.SetAppearanceChecked(check_appearance(true));
        box_field.SetAppearanceUnchecked(check_appearance(false));
        box_field.SetChecked(false);
        const double x = kFieldX + kCheckSize + 8.0;
        paragraph(font_, 8.5F, 0.0, x, y_, kFieldWidth - kCheckSize - 8.0, declaration_text());
    }

    // Hidden and read-only: tells a later form version apart.
    void version_field() {
        PdfTextField field(page_, PdfRect(0, 0, 0, 0), &doc_);
        field.SetFieldName(pdf_text(kFormVersionField));
        field.SetText(PdfString(std::to_string(kFormVersion)));
        field.SetReadOnly(true);
        field.GetWidgetAnnotation()->SetFlags(ePdfAnnotationFlags_Hidden);
        field.GetFieldObject()->GetDictionary().AddKey(PdfName("DA"), PdfString(field_da_));
    }

    const std::vector<std::string>& employers_;
    PdfMemDocument doc_;
    PdfFont* font_;
    PdfFont* bold_;
    PdfPainter painter_;
    PdfPage* page_ = nullptr;
    int page_number_ = 0;
    double y_ = 0;
    std::string field_da_;
    std::string tick_da_;
    std::vector<std::unique_ptr<PdfXObject>> appearances_;
};

}  // namespace

std::string form_pdf_bytes(const std::vector<std::string>& employers) {
    // PoDoFo logs harmless complaints (e.g. comparing null strings) to stderr otherwise.
    static std::once_flag quiet;
    std::call_once(quiet, [] {
        PdfError::EnableDebug(false);
        PdfError::EnableLogging(false);
    });
    try {
        FormWriter writer(employers);
        return writer.write();
    } catch (const PdfError& e) {
        const char* name = PdfError::ErrorName(e.GetError());
        throw std::runtime_error(std::string("generating the form PDF failed: ") +
                                 (name ? name : "PoDoFo error"));
    }
}

void write_form_pdf(const std::string& path, const std::vector<std::string>& employers) {
    const std::string bytes = form_pdf_bytes(employers);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) throw std::runtime_error("cannot write the form PDF to " + path);
}

}  // namespace casegate::forms
