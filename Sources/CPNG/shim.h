// Bridges png.h from the Debian development package into Swift.
#include <png.h>
