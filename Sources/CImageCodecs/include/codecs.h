#ifndef IA_CODECS_H
#define IA_CODECS_H
#endif
