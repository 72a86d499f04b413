// PNG decoding through libpng, behind setjmp so that library errors become status codes.
#include "codecs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

// Read state shared with libpng's callbacks: the memory source and what went wrong.
typedef struct ia_png_context {
    const uint8_t *data;
    size_t size;
    size_t offset;
    int truncated;
    ia_message *message;
    png_bytep *rows;
} ia_png_context;

// In C because it is a libpng read callback, and png_error longjmps out of it.
static void ia_png_read(png_structp png, png_bytep out, size_t length) {
    ia_png_context *context = (ia_png_context *)png_get_io_ptr(png);
    if (length > context->size - context->offset) {
        context->truncated = 1;
        png_error(png, "unexpected end of data");
    }
    memcpy(out, context->data + context->offset, length);
    context->offset += length;
}

// In C because libpng requires its error callback never to return, and only longjmp leaves it.
static void ia_png_error(png_structp png, png_const_charp text) {
    ia_png_context *context = (ia_png_context *)png_get_error_ptr(png);
    snprintf(context->message->text, sizeof context->message->text, "%s", text);
    png_longjmp(png, 1);
}

// In C because it is a libpng callback: collects warnings instead of printing them.
static void ia_png_warning(png_structp png, png_const_charp text) {
    ia_png_context *context = (ia_png_context *)png_get_error_ptr(png);
    context->message->warning_count++;
    if (context->message->warning_count == 1) {
        snprintf(context->message->text, sizeof context->message->text, "%s", text);
    }
}

// In C because it only wraps libpng's struct constructors for the two entry points below.
static int ia_png_create(ia_png_context *context, const uint8_t *data, size_t size, ia_message *message,
                         png_structp *png, png_infop *info) {
    memset(message, 0, sizeof *message);
    memset(context, 0, sizeof *context);
    context->data = data;
    context->size = size;
    context->message = message;

    *png = png_create_read_struct(PNG_LIBPNG_VER_STRING, context, ia_png_error, ia_png_warning);
    if (*png == NULL) {
        snprintf(message->text, sizeof message->text, "libpng could not allocate its read struct");
        return 0;
    }
    *info = png_create_info_struct(*png);
    if (*info == NULL) {
        png_destroy_read_struct(png, NULL, NULL);
        snprintf(message->text, sizeof message->text, "libpng could not allocate its info struct");
        return 0;
    }
    png_set_read_fn(*png, context, ia_png_read);
    return 1;
}

// In C because it calls png_get_sBIT, whose chunk libpng has already validated against the depth.
static int ia_png_significant_bits(png_structp png, png_infop info, int color_type) {
    png_color_8p sbit = NULL;
    if (!png_get_sBIT(png, info, &sbit) || sbit == NULL) {
        return 0;
    }
    if ((color_type & PNG_COLOR_MASK_COLOR) == 0) {
        return sbit->gray;
    }
    int bits = sbit->red;
    if (sbit->green > bits) {
        bits = sbit->green;
    }
    if (sbit->blue > bits) {
        bits = sbit->blue;
    }
    return bits;
}

// In C because it maps the context after a longjmp to a status and frees what the decode held.
static ia_status ia_png_fail(ia_png_context *context, png_structp *png, png_infop *info) {
    free(context->rows);
    context->rows = NULL;
    png_destroy_read_struct(png, info, NULL);
    return context->truncated ? IA_TRUNCATED : IA_CORRUPT;
}

// In C because png_read_info reports errors by longjmp.
ia_status ia_png_read_header(const uint8_t *data, size_t size, ia_header *header, ia_message *message) {
    ia_png_context context;
    png_structp png = NULL;
    png_infop info = NULL;
    memset(header, 0, sizeof *header);
    if (!ia_png_create(&context, data, size, message, &png, &info)) {
        return IA_NO_MEMORY;
    }

    if (setjmp(png_jmpbuf(png))) {
        return ia_png_fail(&context, &png, &info);
    }

    png_read_info(png, info);
    int color_type = png_get_color_type(png, info);
    static const int components_by_color_type[7] = {1, 0, 3, 3, 2, 0, 4};
    header->width = (int)png_get_image_width(png, info);
    header->height = (int)png_get_image_height(png, info);
    header->components = (color_type >= 0 && color_type <= 6) ? components_by_color_type[color_type] : 0;
    header->bit_depth = png_get_bit_depth(png, info);
    header->png_color_type = color_type;
    header->significant_bits = ia_png_significant_bits(png, info, color_type);
    header->interlaced = png_get_interlace_type(png, info) == PNG_INTERLACE_NONE ? 0 : 1;
    header->jpeg_color_space = -1;

    png_destroy_read_struct(&png, &info, NULL);
    return IA_OK;
}

// In C because png_read_image and png_read_end longjmp on error, and the transforms are C calls.
ia_status ia_png_decode(const uint8_t *data, size_t size, int apply_significant_bits,
                        void *pixels, size_t capacity, int *width, int *height, int *channels,
                        int *bytes_per_sample, ia_message *message) {
    ia_png_context context;
    png_structp png = NULL;
    png_infop info = NULL;
    *width = 0;
    *height = 0;
    *channels = 0;
    *bytes_per_sample = 0;
    if (!ia_png_create(&context, data, size, message, &png, &info)) {
        return IA_NO_MEMORY;
    }

    if (setjmp(png_jmpbuf(png))) {
        return ia_png_fail(&context, &png, &info);
    }

    // Transforms: to grey or RGB without alpha, one sample per byte or native uint16.
    png_read_info(png, info);
    int color_type = png_get_color_type(png, info);
    int bit_depth = png_get_bit_depth(png, info);
    if (color_type == PNG_COLOR_TYPE_PALETTE) {
        png_set_palette_to_rgb(png);
    } else if (bit_depth < 8) {
        png_set_packing(png);
    }
    if ((color_type & PNG_COLOR_MASK_ALPHA) != 0 || png_get_valid(png, info, PNG_INFO_tRNS)) {
        png_set_strip_alpha(png);
    }
    const uint16_t one = 1;
    if (bit_depth == 16 && *(const uint8_t *)&one == 1) {
        png_set_swap(png);
    }
    int significant_bits = ia_png_significant_bits(png, info, color_type);
    if (apply_significant_bits && significant_bits > 0) {
        png_color_8 uniform = {0};
        uniform.red = uniform.green = uniform.blue = uniform.gray = uniform.alpha = (png_byte)significant_bits;
        png_set_shift(png, &uniform);
    }
    png_set_interlace_handling(png);
    png_read_update_info(png, info);

    // Check the output layout and the caller's buffer.
    png_uint_32 out_width = png_get_image_width(png, info);
    png_uint_32 out_height = png_get_image_height(png, info);
    int out_channels = png_get_channels(png, info);
    int out_depth = png_get_bit_depth(png, info);
    size_t row_bytes = png_get_rowbytes(png, info);
    int sample_bytes = out_depth == 16 ? 2 : 1;
    if ((out_channels != 1 && out_channels != 3) || (out_depth != 8 && out_depth != 16) ||
        row_bytes != (size_t)out_width * (size_t)out_channels * (size_t)sample_bytes) {
        snprintf(message->text, sizeof message->text,
                 "unexpected libpng output layout: %d channels, %d bits, %zu bytes per row", out_channels, out_depth,
                 row_bytes);
        png_destroy_read_struct(&png, &info, NULL);
        return IA_UNSUPPORTED;
    }
    if (row_bytes != 0 && (size_t)out_height > capacity / row_bytes) {
        snprintf(message->text, sizeof message->text, "decoded image %ux%ux%d does not fit a buffer of %zu bytes",
                 out_width, out_height, out_channels, capacity);
        png_destroy_read_struct(&png, &info, NULL);
        return IA_NO_MEMORY;
    }

    // Pixels (all Adam7 passes for an interlaced image), then the chunks up to IEND.
    context.rows = (png_bytep *)malloc(sizeof(png_bytep) * (out_height > 0 ? out_height : 1));
    if (context.rows == NULL) {
        snprintf(message->text, sizeof message->text, "out of memory for %u row pointers", out_height);
        png_destroy_read_struct(&png, &info, NULL);
        return IA_NO_MEMORY;
    }
    for (png_uint_32 y = 0; y < out_height; y++) {
        context.rows[y] = (png_bytep)pixels + (size_t)y * row_bytes;
    }
    png_read_image(png, context.rows);
    png_read_end(png, NULL);

    free(context.rows);
    context.rows = NULL;
    *width = (int)out_width;
    *height = (int)out_height;
    *channels = out_channels;
    *bytes_per_sample = sample_bytes;
    png_destroy_read_struct(&png, &info, NULL);
    return IA_OK;
}
