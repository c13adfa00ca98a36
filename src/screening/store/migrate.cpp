#include <set>

#include "screening/store/migrations.h"
#include "util/error.h"
#include "util/utc_time.h"

namespace hirelm::store {

namespace {

// The key of the advisory lock migrations take on PostgreSQL.
constexpr std::string_view kMigrationLock = "hirelm.schema_migration";

}  // namespace

int latest_schema_version() { return migrations().back().version; }

int schema_version(db::Connection& db) {
  auto q = db.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_version");
  return q->step() ? static_cast<int>(q->int64(0)) : 0;
}

void migrate(db::Connection& db) {
  db::Transaction tx(db);
  db.lock(kMigrationLock);
  // Inside the locked transaction: on PostgreSQL two sessions creating the table at once could otherwise
  // both pass IF NOT EXISTS and one fail on the catalog's unique index.
  db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
  std::set<int> applied;
  {
    auto q = db.prepare("SELECT version FROM schema_version");
    while (q->step()) applied.insert(static_cast<int>(q->int64(0)));
  }
  if (!applied.empty() && *applied.rbegin() > latest_schema_version()) {
    throw UnsupportedError("store: '" + db.name() + "' has schema version " + std::to_string(*applied.rbegin()) +
                           ", newer than this hirelm supports (" + std::to_string(latest_schema_version()) + ")");
  }
  auto record = db.prepare("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)");
  for (const Migration& m : migrations()) {
    if (applied.count(m.version)) continue;
    db.exec(render_migration(m, db.dialect()));
    record->bind(1, m.version).bind(2, utc_now_iso8601()).run();
  }
  tx.commit();
}

}  // namespace hirelm::store
