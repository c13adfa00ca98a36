#include "screening/db/postgres_connection.h"

#include <libpq-fe.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <vector>

#include "screening/db/placeholders.h"
#include "util/error.h"

namespace hirelm::db {

namespace {

// Type OIDs from PostgreSQL's pg_type catalog (stable across versions). A parameter sent with its type needs
// no inference by the server (`? IS NULL` alone could not be typed); NULL is sent untyped (0) so it fits any
// column.
constexpr Oid kInt8Oid = 20;
constexpr Oid kTextOid = 25;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kByteaOid = 17;

constexpr const char* kUniqueViolation = "23505";
constexpr int kMaxParameters = 65535;  // the wire protocol's 16-bit parameter count

using ResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;

std::string trimmed(const char* message) {
  std::string s = message ? message : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Throws for a failed result: ConstraintError for SQLSTATE 23505 (unique violation), IoError otherwise.
void check_result(const PGresult* result, pg_conn* conn, const std::string& name, std::string_view sql) {
  const ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return;
  const std::string message = trimmed(result ? PQresultErrorMessage(result) : PQerrorMessage(conn));
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string text = "db: '" + name + "': postgres: " + message + " in: " + std::string(sql);
  if (state && std::strcmp(state, kUniqueViolation) == 0) throw ConstraintError(text);
  throw IoError(text);
}

class PostgresStatement final : public Statement {
 public:
  PostgresStatement(pg_conn* conn, const std::string& name, std::string_view sql)
      : conn_(conn), name_(name), original_(sql) {
    RewrittenSql rewritten = rewrite_placeholders(sql);
    if (rewritten.max_index > kMaxParameters) {
      throw IoError("db: '" + name_ + "': parameter index " + std::to_string(rewritten.max_index) +
                    " over PostgreSQL's limit of " + std::to_string(kMaxParameters) + " in: " + original_);
    }
    sql_ = std::move(rewritten.sql);
    params_.resize(static_cast<size_t>(rewritten.max_index));
  }

  Statement& bind(int index, int64_t value) override { return set(index, std::to_string(value), kInt8Oid, 0); }
  Statement& bind(int index, double value) override {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", value);
    return set(index, buf, kFloat8Oid, 0);
  }
  Statement& bind(int index, std::string_view text) override { return set(index, std::string(text), kTextOid, 0); }
  Statement& bind_blob(int index, std::string_view bytes) override {
    return set(index, std::string(bytes), kByteaOid, 1);  // binary format: the bytes as they are
  }
  Statement& bind_null(int index) override {
    Param& p = slot(index);
    p = Param{};
    return *this;
  }

  bool step() override {
    if (!result_) execute();
    if (row_ + 1 >= PQntuples(result_.get())) {
      row_ = PQntuples(result_.get());
      return false;
    }
    ++row_;
    return true;
  }
  int64_t run() override {
    if (!result_) execute();
    row_ = PQntuples(result_.get());
    const char* changed = PQcmdTuples(result_.get());
    return changed && *changed ? std::strtoll(changed, nullptr, 10) : 0;
  }

  bool is_null(int column) const override { return PQgetisnull(result_.get(), current(), column) != 0; }
  int64_t int64(int column) const override {
    if (is_null(column)) return 0;
    const char* v = PQgetvalue(result_.get(), current(), column);
    // Booleans come back as t/f; everything else we read as an integer is digits.
    if (v[0] == 't' && v[1] == '\0') return 1;
    if (v[0] == 'f' && v[1] == '\0') return 0;
    char* end = nullptr;
    errno = 0;
    const long long n = std::strtoll(v, &end, 10);
    if (end == v || *end != '\0' || errno == ERANGE) {
      throw IoError("db: '" + name_ + "': column " + std::to_string(column) + ": expected an integer, got '" + v +
                    "' in: " + original_);
    }
    return n;
  }
  double real(int column) const override {
    if (is_null(column)) return 0.0;
    return std::strtod(PQgetvalue(result_.get(), current(), column), nullptr);
  }
  std::string text(int column) const override {
    if (is_null(column)) return {};
    return std::string(PQgetvalue(result_.get(), current(), column),
                       static_cast<size_t>(PQgetlength(result_.get(), current(), column)));
  }
  std::string blob(int column) const override {
    if (is_null(column)) return {};
    // Text-format results carry BYTEA as "\x" + hex; PQunescapeBytea decodes it.
    size_t length = 0;
    unsigned char* bytes =
        PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(result_.get(), current(), column)),
                        &length);
    if (!bytes) throw IoError("db: '" + name_ + "': cannot decode a bytea column in: " + original_);
    std::string out(reinterpret_cast<const char*>(bytes), length);
    PQfreemem(bytes);
    return out;
  }

 private:
  struct Param {
    std::optional<std::string> value;  // nullopt: NULL
    Oid type = 0;
    int format = 0;  // 0 text, 1 binary
  };

  Param& slot(int index) {
    result_.reset();  // binding after stepping starts the statement over
    row_ = -1;
    if (index < 1 || static_cast<size_t>(index) > params_.size()) {
      throw IoError("db: '" + name_ + "': bind index " + std::to_string(index) + " out of range 1.." +
                    std::to_string(params_.size()) + " in: " + original_);
    }
    return params_[static_cast<size_t>(index - 1)];
  }
  Statement& set(int index, std::string value, Oid type, int format) {
    Param& p = slot(index);
    p.value = std::move(value);
    p.type = type;
    p.format = format;
    return *this;
  }
  int current() const {
    if (!result_ || row_ < 0 || row_ >= PQntuples(result_.get())) {
      throw IoError("db: '" + name_ + "': no current row in: " + original_);
    }
    return row_;
  }
  void execute() {
    std::vector<Oid> types;
    std::vector<const char*> values;
    std::vector<int> lengths;
    std::vector<int> formats;
    for (const Param& p : params_) {
      types.push_back(p.type);
      values.push_back(p.value ? p.value->data() : nullptr);
      lengths.push_back(p.value ? static_cast<int>(p.value->size()) : 0);
      formats.push_back(p.format);
    }
    result_.reset(PQexecParams(conn_, sql_.c_str(), static_cast<int>(params_.size()), types.data(), values.data(),
                               lengths.data(), formats.data(), 0));
    row_ = -1;
    try {
      check_result(result_.get(), conn_, name_, original_);
    } catch (...) {
      result_.reset();
      throw;
    }
  }

  pg_conn* conn_;
  const std::string& name_;
  std::string original_;  // as the caller wrote it, for messages
  std::string sql_;       // with $n placeholders
  std::vector<Param> params_;
  ResultPtr result_{nullptr, &PQclear};
  int row_ = -1;
};

void ignore_notice(void* /*arg*/, const char* /*message*/) {}

// libpq's messages about a malformed URI quote the URI: replace it, and any password in it, before the message
// travels on.
std::string scrub(std::string message, const std::string& url, const std::string& redacted) {
  std::vector<std::string> secrets = {url};
  for (const auto& [offset, length] : url_password_spans(url)) secrets.push_back(url.substr(offset, length));
  for (size_t i = 0; i < secrets.size(); ++i) {
    const std::string& secret = secrets[i];
    if (secret.empty()) continue;
    const std::string replacement = i == 0 ? redacted : "***";
    for (size_t pos = message.find(secret); pos != std::string::npos;
         pos = message.find(secret, pos + replacement.size())) {
      message.replace(pos, secret.size(), replacement);
    }
  }
  return message;
}

}  // namespace

PostgresConnection::PostgresConnection(const std::string& url) : name_(redact_spec(url)) {
  conn_ = PQconnectdb(url.c_str());
  if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
    const std::string message = scrub(conn_ ? trimmed(PQerrorMessage(conn_)) : "out of memory", url, name_);
    if (conn_) PQfinish(conn_);
    conn_ = nullptr;
    throw IoError("db: cannot connect to '" + name_ + "': " + message);
  }
  // "relation already exists, skipping" and the like are not ours to print.
  PQsetNoticeProcessor(conn_, ignore_notice, nullptr);
  // Our TEXT columns hold UTF-8 and our times are written by the program, never read from the session.
  exec("SET client_encoding = 'UTF8'");
}

PostgresConnection::~PostgresConnection() {
  if (conn_) PQfinish(conn_);
}

std::unique_ptr<Statement> PostgresConnection::prepare(std::string_view sql) {
  return std::make_unique<PostgresStatement>(conn_, name_, sql);
}

void PostgresConnection::exec(std::string_view sql) {
  const std::string text(sql);
  ResultPtr result(PQexec(conn_, text.c_str()), &PQclear);
  check_result(result.get(), conn_, name_, text);
}

void PostgresConnection::begin_write() { exec("BEGIN"); }

void PostgresConnection::commit() { exec("COMMIT"); }

void PostgresConnection::rollback() {
  if (PQtransactionStatus(conn_) == PQTRANS_IDLE) return;
  ResultPtr result(PQexec(conn_, "ROLLBACK"), &PQclear);
}

void PostgresConnection::lock(std::string_view key) {
  prepare("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")->bind(1, key).run();
}

}  // namespace hirelm::db
