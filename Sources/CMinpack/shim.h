// Bridges cminpack.h from Debian's libcminpack-dev (C port of MINPACK, double precision) into Swift.
// The header lives in a versioned folder; Package.swift adds it to the search path through pkg-config
// (cminpack.pc sets -I/usr/include/cminpack-1).
#include <cminpack.h>
