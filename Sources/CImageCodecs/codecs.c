// Decode loops for libjpeg and libpng; see codecs.h.
