// Bridges jpeglib.h from the Debian development package into Swift.
#include <stdio.h>
#include <stddef.h>
#include <jpeglib.h>
