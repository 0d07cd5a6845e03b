// The fillable referral form as a PDF (AcroForm), generated from the one form definition:
// `casegate form-pdf OUT.pdf`, and the attachment sent with replies to incomplete referrals.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace casegate::forms {

/// Name of the hidden, read-only text field that carries the form version ("1"). It is not a
/// form field: pdf_form_fields() leaves it out.
inline constexpr std::string_view kFormVersionField = "casegate_form_version";
/// Key of the document information entry that carries the form version too.
inline constexpr std::string_view kFormVersionInfoKey = "CasegateFormVersion";

/// The fillable referral form: every field of referral_form() with its label and help text,
/// AcroForm field names equal to the keys, NeedAppearances set. With `employers` (the
/// region's, by name), the employer is an editable combo box offering them: one may be picked
/// or any other name written. Throws std::runtime_error if PoDoFo fails.
std::string form_pdf_bytes(const std::vector<std::string>& employers = {});

/// Writes form_pdf_bytes() to `path`. Throws std::runtime_error naming the path on failure.
void write_form_pdf(const std::string& path, const std::vector<std::string>& employers = {});

}  // namespace casegate::forms
