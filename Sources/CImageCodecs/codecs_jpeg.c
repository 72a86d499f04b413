// JPEG decoding through libjpeg-turbo, behind setjmp so that library errors become status codes.
#include "codecs.h"

#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

// libjpeg error manager extended with the jump target and what the warnings revealed.
typedef struct ia_jpeg_error_manager {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    ia_message *message;
    int saw_end_of_file;
    int saw_corrupt_data;
    int decisive_warning_recorded;
} ia_jpeg_error_manager;

// Copies libjpeg's formatted text for the current message code into message->text.
static void ia_jpeg_format(j_common_ptr cinfo, ia_message *message) {
    char buffer[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, buffer);
    snprintf(message->text, sizeof message->text, "%s", buffer);
}

// In C because libjpeg requires error_exit never to return, and only longjmp leaves it.
static void ia_jpeg_error_exit(j_common_ptr cinfo) {
    ia_jpeg_error_manager *manager = (ia_jpeg_error_manager *)cinfo->err;
    ia_jpeg_format(cinfo, manager->message);
    longjmp(manager->jump, 1);
}

// In C because it is a libjpeg callback: replaces the default that prints to stderr.
static void ia_jpeg_output_message(j_common_ptr cinfo) {
    (void)cinfo;
}

// In C because it is a libjpeg callback: counts warnings and notes truncation and corrupt data.
static void ia_jpeg_emit_message(j_common_ptr cinfo, int msg_level) {
    ia_jpeg_error_manager *manager = (ia_jpeg_error_manager *)cinfo->err;
    if (msg_level >= 0) {
        return;  // Trace messages.
    }
    manager->base.num_warnings++;
    manager->message->warning_count++;

    int code = manager->base.msg_code;
    int decisive = 0;
    if (code == JWRN_JPEG_EOF) {
        manager->saw_end_of_file = 1;
        decisive = 1;
    } else if (code == JWRN_HIT_MARKER || code == JWRN_HUFF_BAD_CODE || code == JWRN_MUST_RESYNC ||
               code == JWRN_ARITH_BAD_CODE) {
        manager->saw_corrupt_data = 1;
        decisive = 1;
    }

    // Keep the first warning, unless a later one decides the outcome and none did before.
    if (manager->message->warning_count == 1 || (decisive && !manager->decisive_warning_recorded)) {
        ia_jpeg_format(cinfo, manager->message);
    }
    if (decisive) {
        manager->decisive_warning_recorded = 1;
    }
}

// In C because it installs the callbacks above in libjpeg's C structs.
static void ia_jpeg_install_error_manager(j_decompress_ptr cinfo, ia_jpeg_error_manager *manager,
                                          ia_message *message) {
    memset(message, 0, sizeof *message);
    memset(manager, 0, sizeof *manager);
    cinfo->err = jpeg_std_error(&manager->base);
    manager->base.error_exit = ia_jpeg_error_exit;
    manager->base.output_message = ia_jpeg_output_message;
    manager->base.emit_message = ia_jpeg_emit_message;
    manager->message = message;
}

// In C because it reads libjpeg's msg_code after a longjmp: maps the failure to a status.
static ia_status ia_jpeg_failure_status(const ia_jpeg_error_manager *manager) {
    if (manager->saw_end_of_file) {
        return IA_TRUNCATED;
    }
    switch (manager->base.msg_code) {
    case JERR_BAD_PRECISION:
    case JERR_CONVERSION_NOTIMPL:
    case JERR_NOT_COMPILED:
    case JERR_IMAGE_TOO_BIG:
        return IA_UNSUPPORTED;
    case JERR_OUT_OF_MEMORY:
        return IA_NO_MEMORY;
    case JERR_INPUT_EMPTY:
        return IA_TRUNCATED;
    default:
        return IA_CORRUPT;
    }
}

// In C because jpeg_read_header reports errors by longjmp.
ia_status ia_jpeg_read_header(const uint8_t *data, size_t size, ia_header *header, ia_message *message) {
    struct jpeg_decompress_struct cinfo;
    ia_jpeg_error_manager manager;
    ia_jpeg_install_error_manager(&cinfo, &manager, message);
    memset(header, 0, sizeof *header);

    if (setjmp(manager.jump)) {
        ia_status status = ia_jpeg_failure_status(&manager);
        jpeg_destroy_decompress(&cinfo);
        return status;
    }

    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);

    header->width = (int)cinfo.image_width;
    header->height = (int)cinfo.image_height;
    header->components = cinfo.num_components;
    header->bit_depth = cinfo.data_precision;
    header->png_color_type = -1;
    header->significant_bits = 0;
    header->interlaced = cinfo.progressive_mode ? 1 : 0;
    header->jpeg_color_space = (int)cinfo.jpeg_color_space;

    int truncated = manager.saw_end_of_file;
    jpeg_destroy_decompress(&cinfo);
    return truncated ? IA_TRUNCATED : IA_OK;
}

// In C next to the decoder so the rounding rule matches libjpeg's jdiv_round_up.
void ia_jpeg_scaled_size(int width, int height, int scale_denominator, int *scaled_width, int *scaled_height) {
    int d = scale_denominator > 0 ? scale_denominator : 1;
    *scaled_width = (width + d - 1) / d;
    *scaled_height = (height + d - 1) / d;
}

// In C because it converts a CMYK scanline from libjpeg's sample array (no Swift caller needs it).
// NOTE: only the Adobe (inverted) case is tested; CMYK JPEGs without an Adobe marker are rare.
static void ia_jpeg_cmyk_row_to_rgb(const JSAMPLE *cmyk, uint8_t *rgb, JDIMENSION width, int adobe_inverted) {
    for (JDIMENSION x = 0; x < width; x++) {
        unsigned c = cmyk[4 * x], m = cmyk[4 * x + 1], y = cmyk[4 * x + 2], k = cmyk[4 * x + 3];
        if (!adobe_inverted) {
            c = 255 - c;
            m = 255 - m;
            y = 255 - y;
            k = 255 - k;
        }
        // Samples are now "amount of paper left": R = (1 - C)(1 - K) in unit terms.
        rgb[3 * x] = (uint8_t)((c * k + 127) / 255);
        rgb[3 * x + 1] = (uint8_t)((m * k + 127) / 255);
        rgb[3 * x + 2] = (uint8_t)((y * k + 127) / 255);
    }
}

// In C because jpeg_start_decompress, jpeg_read_scanlines and jpeg_finish_decompress longjmp on error.
ia_status ia_jpeg_decode(const uint8_t *data, size_t size, int scale_denominator, int want_grey,
                         uint8_t *pixels, size_t capacity, int *width, int *height, int *channels,
                         ia_message *message) {
    struct jpeg_decompress_struct cinfo;
    ia_jpeg_error_manager manager;
    ia_jpeg_install_error_manager(&cinfo, &manager, message);
    *width = 0;
    *height = 0;
    *channels = 0;

    if (setjmp(manager.jump)) {
        ia_status status = ia_jpeg_failure_status(&manager);
        jpeg_destroy_decompress(&cinfo);
        return status;
    }

    // Header and output colour space.
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);

    int cmyk = 0;
    switch (cinfo.jpeg_color_space) {
    case JCS_GRAYSCALE:
        cinfo.out_color_space = JCS_GRAYSCALE;
        break;
    case JCS_YCbCr:
    case JCS_RGB:
        cinfo.out_color_space = want_grey ? JCS_GRAYSCALE : JCS_RGB;
        break;
    case JCS_CMYK:
    case JCS_YCCK:
        cinfo.out_color_space = JCS_CMYK;
        cmyk = 1;
        break;
    default:
        snprintf(message->text, sizeof message->text, "JPEG colour space %d is not grey, RGB, YCbCr, CMYK or YCCK",
                 (int)cinfo.jpeg_color_space);
        jpeg_destroy_decompress(&cinfo);
        return IA_UNSUPPORTED;
    }

    // Scaled decoding: the reduced-size IDCT of libjpeg-turbo.
    int d = scale_denominator;
    if (d != 1 && d != 2 && d != 4 && d != 8) {
        d = 1;
    }
    cinfo.scale_num = 1;
    cinfo.scale_denom = (unsigned int)d;
    cinfo.dct_method = JDCT_ISLOW;
    jpeg_start_decompress(&cinfo);

    // Check the caller's buffer against the decoded size.
    int out_channels = cmyk ? 3 : cinfo.output_components;
    size_t row_bytes = (size_t)cinfo.output_width * (size_t)out_channels;
    if (row_bytes != 0 && (size_t)cinfo.output_height > capacity / row_bytes) {
        snprintf(message->text, sizeof message->text, "decoded image %ux%ux%d does not fit a buffer of %zu bytes",
                 cinfo.output_width, cinfo.output_height, out_channels, capacity);
        jpeg_destroy_decompress(&cinfo);
        return IA_NO_MEMORY;
    }

    // Scanlines: straight into the caller's buffer, or through a CMYK row freed by jpeg_destroy.
    JSAMPARRAY cmyk_row = NULL;
    if (cmyk) {
        cmyk_row = (*cinfo.mem->alloc_sarray)((j_common_ptr)&cinfo, JPOOL_IMAGE, cinfo.output_width * 4, 1);
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        uint8_t *row = pixels + (size_t)cinfo.output_scanline * row_bytes;
        if (cmyk) {
            jpeg_read_scanlines(&cinfo, cmyk_row, 1);
            ia_jpeg_cmyk_row_to_rgb(cmyk_row[0], row, cinfo.output_width, cinfo.saw_Adobe_marker);
        } else {
            JSAMPROW rows[1] = {row};
            jpeg_read_scanlines(&cinfo, rows, 1);
        }
    }
    jpeg_finish_decompress(&cinfo);

    *width = (int)cinfo.output_width;
    *height = (int)cinfo.output_height;
    *channels = out_channels;
    jpeg_destroy_decompress(&cinfo);

    // Warnings that make the pixels untrustworthy.
    if (manager.saw_end_of_file) {
        return IA_TRUNCATED;
    }
    if (manager.saw_corrupt_data) {
        return IA_CORRUPT;
    }
    return IA_OK;
}
