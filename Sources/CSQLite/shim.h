// Bridges sqlite3.h from the Debian development package into Swift.
#include <sqlite3.h>
