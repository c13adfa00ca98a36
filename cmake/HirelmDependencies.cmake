# Every dependency comes from a Debian package installed by scripts/setup.sh.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
pkg_check_modules(UTF8PROC REQUIRED IMPORTED_TARGET libutf8proc)
pkg_check_modules(PCRE2 REQUIRED IMPORTED_TARGET libpcre2-8)
find_package(CURL REQUIRED)
find_package(OpenSSL REQUIRED)
# Resume intake (src/screening/documents): PDF (poppler-cpp), DOCX (libzip + pugixml), HTML (libxml2),
# encodings (ICU), OCR (tesseract + leptonica, optional: intake reports ocr_unavailable without it).
# cairo only writes test and benchmark fixtures.
pkg_check_modules(POPPLER_CPP REQUIRED IMPORTED_TARGET poppler-cpp)
pkg_check_modules(LIBZIP REQUIRED IMPORTED_TARGET libzip)
find_package(pugixml REQUIRED)
find_package(LibXml2 REQUIRED)
find_package(ICU REQUIRED COMPONENTS uc i18n)
pkg_check_modules(TESSERACT IMPORTED_TARGET tesseract lept)
pkg_check_modules(CAIRO IMPORTED_TARGET cairo)
if(HIRELM_TESTS)
  find_package(GTest REQUIRED)
  include(GoogleTest)
endif()
if(HIRELM_BENCH)
  find_package(benchmark REQUIRED)
endif()
# HTTP server (src/server) and the hub tests' fake hub: cpp-httplib (Debian ships it as a compiled library).
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
# Screening store (SQLite) and XLSX export (libxlsxwriter).
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
# PostgreSQL backend of the database layer (src/screening/db).
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
pkg_check_modules(XLSXWRITER REQUIRED IMPORTED_TARGET xlsxwriter)
# Accounts (src/auth): Argon2id password hashes, random tokens, SHA-256.
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
