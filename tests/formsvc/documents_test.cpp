// Supporting documents: recognised by their bytes (never the name or the claimed type), within
// the count and size limits, with refusals that name the file and the limit.
#include <boost/test/unit_test.hpp>

#include "formsvc/documents.hpp"
#include "tests/support/tools.hpp"

using namespace casegate;

namespace {

std::string data(const std::string& name) {
    return test_tools::read_file(std::string(CASEGATE_TEST_DATA "/") + name);
}

const std::string kPng = std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
const std::string kJpeg = "\xff\xd8\xff\xe0\0\x10JFIF";

http::Upload upload(const std::string& name, const std::string& bytes) {
    return {"documents", name, bytes};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(documents)

BOOST_AUTO_TEST_CASE(types_are_found_by_content) {
    BOOST_TEST(formsvc::sniff_document_type(data("pdf/referral_form_blank.pdf")) ==
               "application/pdf");
    BOOST_TEST(formsvc::sniff_document_type(data("formsvc/letter.docx")) ==
               "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    BOOST_TEST(formsvc::sniff_document_type(kPng) == "image/png");
    BOOST_TEST(formsvc::sniff_document_type(kJpeg) == "image/jpeg");
    BOOST_TEST(formsvc::sniff_document_type("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest") ==
               "application/msword");
    // A zip that is not a Word document, an executable, HTML, text: none accepted.
    BOOST_TEST(formsvc::sniff_document_type(data("formsvc/archive.zip")).empty());
    BOOST_TEST(formsvc::sniff_document_type("MZ\x90\x00").empty());
    BOOST_TEST(formsvc::sniff_document_type("<html><script>alert(1)</script>").empty());
    BOOST_TEST(formsvc::sniff_document_type("").empty());
}

BOOST_AUTO_TEST_CASE(names_are_made_safe) {
    BOOST_TEST(formsvc::safe_filename("C:\\Users\\sam\\letter.docx", 1) == "letter.docx");
    BOOST_TEST(formsvc::safe_filename("../../etc/passwd", 1) == "passwd");
    BOOST_TEST(formsvc::safe_filename("a\r\nb\".pdf", 1) == "ab.pdf");
    BOOST_TEST(formsvc::safe_filename("", 3) == "document-3");
    BOOST_TEST(formsvc::safe_filename("dir/..", 2) == "document-2");
    const std::string long_name = std::string(300, 'x') + ".pdf";
    const std::string cut = formsvc::safe_filename(long_name, 1);
    BOOST_TEST(cut.size() == 120U);
    BOOST_TEST(cut.ends_with(".pdf"));
    // A multi-byte character is never cut in half.
    std::string accents;
    for (int i = 0; i < 100; ++i) accents += "\xc3\xa9";  // é
    const std::string kept = formsvc::safe_filename(accents, 1);
    BOOST_TEST(kept.size() % 2 == 0U);
}

BOOST_AUTO_TEST_CASE(limits_are_named_and_nothing_is_kept_from_a_refused_set) {
    const std::string pdf = data("pdf/referral_form_blank.pdf");
    formsvc::CheckedDocuments ok = formsvc::check_documents(
        {upload("statement.pdf", pdf), upload("photo.jpg", kJpeg), {"documents", "", ""}},
        "documents", 3, 1024UL * 1024);
    BOOST_TEST(ok.error.empty());
    BOOST_REQUIRE(ok.documents.size() == 2U);
    BOOST_TEST(ok.documents[0].content_type == "application/pdf");
    BOOST_TEST(ok.documents[1].content_type == "image/jpeg");
    BOOST_TEST((ok.documents[0].content == pdf));

    const auto error = [](std::vector<http::Upload> u, std::size_t count, std::size_t bytes) {
        const formsvc::CheckedDocuments c = formsvc::check_documents(u, "documents", count, bytes);
        BOOST_TEST(c.documents.empty());
        return c.error;
    };
    BOOST_TEST(error({upload("a.png", kPng), upload("b.png", kPng), upload("c.png", kPng)}, 2,
                     1024) == "Attach up to 2 documents");
    BOOST_TEST(error({upload("big.pdf", pdf)}, 2, 1024) == "big.pdf must be 1 KB or smaller");
    BOOST_TEST(error({upload("big.pdf", std::string(3 * 1024 * 1024, 'x') + "%PDF-")}, 2,
                     2UL * 1024 * 1024) == "big.pdf must be 2 MB or smaller");
    BOOST_TEST(error({upload("report.pdf", "MZ\x90\x00 not a pdf")}, 2, 1024) ==
               "report.pdf must be a PDF, a Word document or an image (PNG or JPEG)");
    BOOST_TEST(error({upload("empty.pdf", "")}, 2, 1024) == "empty.pdf is empty");
    BOOST_TEST(error({upload("a.png", kPng)}, 0, 1024) ==
               "Documents cannot be attached to this form");
}

BOOST_AUTO_TEST_SUITE_END()
