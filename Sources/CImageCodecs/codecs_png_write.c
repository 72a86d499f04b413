// PNG encoding of 8-bit grey images through libpng, behind setjmp so that library errors
// become status codes. The report thumbnails are its only user.
#include "codecs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

// Write state shared with libpng's callbacks: the growing output buffer and the message.
typedef struct ia_png_writer {
    uint8_t *bytes;
    size_t size;
    size_t capacity;
    int out_of_memory;
    ia_message *message;
    png_bytep *rows;
} ia_png_writer;

// In C because it is a libpng write callback, and png_error longjmps out of it.
static void ia_png_write(png_structp png, png_bytep data, size_t length) {
    ia_png_writer *writer = (ia_png_writer *)png_get_io_ptr(png);
    if (length > writer->capacity - writer->size) {
        size_t capacity = writer->capacity > 0 ? writer->capacity : 4096;
        while (length > capacity - writer->size) {
            if (capacity > SIZE_MAX / 2) {
                writer->out_of_memory = 1;
                png_error(png, "PNG output larger than the address space");
            }
            capacity *= 2;
        }
        uint8_t *grown = (uint8_t *)realloc(writer->bytes, capacity);
        if (grown == NULL) {
            writer->out_of_memory = 1;
            png_error(png, "out of memory for the PNG output buffer");
        }
        writer->bytes = grown;
        writer->capacity = capacity;
    }
    memcpy(writer->bytes + writer->size, data, length);
    writer->size += length;
}

// In C because libpng calls it after each write batch; the output is in memory, so it does nothing.
static void ia_png_flush(png_structp png) {
    (void)png;
}

// In C because libpng requires its error callback never to return, and only longjmp leaves it.
static void ia_png_write_error(png_structp png, png_const_charp text) {
    ia_png_writer *writer = (ia_png_writer *)png_get_error_ptr(png);
    snprintf(writer->message->text, sizeof writer->message->text, "%s", text);
    png_longjmp(png, 1);
}

// In C because it is a libpng callback: counts warnings instead of printing them.
static void ia_png_write_warning(png_structp png, png_const_charp text) {
    ia_png_writer *writer = (ia_png_writer *)png_get_error_ptr(png);
    writer->message->warning_count++;
    if (writer->message->warning_count == 1) {
        snprintf(writer->message->text, sizeof writer->message->text, "%s", text);
    }
}

// In C because png_write_info, png_write_image and png_write_end report errors by longjmp.
ia_status ia_png_encode_grey8(const uint8_t *pixels, int width, int height, uint8_t **output, size_t *output_size,
                              ia_message *message) {
    ia_png_writer writer;
    memset(&writer, 0, sizeof writer);
    memset(message, 0, sizeof *message);
    writer.message = message;
    *output = NULL;
    *output_size = 0;
    if (width <= 0 || height <= 0 || width > 1000000 || height > 1000000) {
        snprintf(message->text, sizeof message->text, "invalid PNG size %d x %d", width, height);
        return IA_UNSUPPORTED;
    }

    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &writer, ia_png_write_error, ia_png_write_warning);
    if (png == NULL) {
        snprintf(message->text, sizeof message->text, "libpng could not allocate its write struct");
        return IA_NO_MEMORY;
    }
    png_infop info = png_create_info_struct(png);
    if (info == NULL) {
        png_destroy_write_struct(&png, NULL);
        snprintf(message->text, sizeof message->text, "libpng could not allocate its info struct");
        return IA_NO_MEMORY;
    }

    // Everything changed after setjmp and read after a longjmp lives in `writer`, whose address
    // libpng holds, so it is in memory (not a register) when setjmp returns the second time.
    if (setjmp(png_jmpbuf(png))) {
        free(writer.rows);
        free(writer.bytes);
        png_destroy_write_struct(&png, &info);
        return writer.out_of_memory ? IA_NO_MEMORY : IA_CORRUPT;
    }

    png_set_write_fn(png, &writer, ia_png_write, ia_png_flush);
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    writer.rows = (png_bytep *)malloc(sizeof(png_bytep) * (size_t)height);
    if (writer.rows == NULL) {
        writer.out_of_memory = 1;
        png_error(png, "out of memory for the row pointers");
    }
    for (int y = 0; y < height; y++) {
        writer.rows[y] = (png_bytep)(pixels + (size_t)y * (size_t)width);
    }
    png_write_info(png, info);
    png_write_image(png, writer.rows);
    png_write_end(png, NULL);

    free(writer.rows);
    png_destroy_write_struct(&png, &info);
    *output = writer.bytes;
    *output_size = writer.size;
    return IA_OK;
}

void ia_buffer_free(uint8_t *buffer) {
    free(buffer);
}
