// Bridges cblas.h from the Debian development package into Swift.
#include <cblas.h>
