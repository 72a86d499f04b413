// Bridges sqlite3.h from the Debian development package into Swift.
#include <sqlite3.h>

// SQLITE_TRANSIENT casts -1 to a function pointer, a macro Swift cannot import.
// Passed to sqlite3_bind_text or sqlite3_bind_blob, it makes SQLite copy the bytes before the call returns.
static inline sqlite3_destructor_type csqlite_transient(void) { return SQLITE_TRANSIENT; }
