#ifndef SQLTESTKIT_SQLITE_SHIM_H
#define SQLTESTKIT_SQLITE_SHIM_H

#include <sqlite3.h>

// Swift cannot pass SQLITE_TRANSIENT (a function pointer cast from -1), nor call the
// variadic sqlite3_db_config, so these thin wrappers do it on Swift's behalf.

static inline int sqltestkit_bind_text(sqlite3_stmt *statement, int index, const char *bytes, int count) {
    return sqlite3_bind_text(statement, index, bytes, count, SQLITE_TRANSIENT);
}

static inline int sqltestkit_bind_blob(sqlite3_stmt *statement, int index, const void *bytes, int count) {
    return sqlite3_bind_blob(statement, index, bytes, count, SQLITE_TRANSIENT);
}

static inline int sqltestkit_set_reset_database(sqlite3 *db, int enabled) {
    return sqlite3_db_config(db, SQLITE_DBCONFIG_RESET_DATABASE, enabled, (int *)0);
}

static inline int sqltestkit_set_defensive(sqlite3 *db, int enabled) {
    return sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, enabled, (int *)0);
}

#endif
