// Blind screening (--blind): removes what could identify a candidate or invite bias before the text reaches
// the scorer: name, contact (e-mail, phone), gender, age, birth date, photo references and marital status,
// in Chinese and English. Each removed span becomes kRedactedMark.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hirelm::redaction {

inline constexpr std::string_view kRedactedMark = "[REDACTED]";

// Values the caller already knows (from the profile): removed wherever they occur, besides the patterns.
struct KnownIdentity {
  std::string name;
  std::string email;
  std::string phone;
};

struct Redaction {
  // "name", "email", "phone", "contact" (WeChat/QQ ids), "gender", "age", "birth_date", "photo",
  // "marital_status".
  std::string category;
  std::string original;  // the removed text
};

struct RedactionResult {
  std::string text;
  std::vector<Redaction> redactions;  // in order of position, pass by pass (see redact)
  bool has(std::string_view category) const;
};

// Redacts `text` (UTF-8). Deterministic; running it on its own output removes nothing more.
RedactionResult redact(std::string_view text, const KnownIdentity& known = {});

}  // namespace hirelm::redaction
