// Bridges zlib.h from the Debian development package into Swift.
#include <zlib.h>
