// Plain C API over DCMTK (and OpenJPEG for JPEG 2000) for the ImageIO module.
//
// DCMTK is C++ and throws, logs through oflog and keeps global codec registries. This target
// keeps all of that behind a C boundary: every function catches every C++ exception, DCMTK's
// log output is never printed (error-level log text is collected into ia_dicom_message), and
// the JPEG, JPEG-LS and RLE decoders are registered once per process.
//
// Privacy: no function copies a patient-identifying attribute (names, ids, dates) into its
// output. Messages name attributes by tag and keyword, never by value.
#ifndef IA_DICOM_H
#define IA_DICOM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Outcome of a call. Anything but IA_DICOM_OK leaves the output buffers unspecified.
typedef enum ia_dicom_status {
    IA_DICOM_OK = 0,
    /// The data is not a DICOM file, or its attributes or pixel data are inconsistent.
    IA_DICOM_CORRUPT = 1,
    /// A valid file that this decoder does not read: a transfer syntax without a decoder, an
    /// object without pixel data (DICOMDIR, SR, RT plan), or a pixel layout not handled here.
    IA_DICOM_UNSUPPORTED = 2,
    /// The caller's buffer is too small, or memory ran out.
    IA_DICOM_NO_MEMORY = 3,
    /// The data ends before the pixel data is complete.
    IA_DICOM_TRUNCATED = 4
} ia_dicom_status;

/// Capacity of ia_dicom_message.text in bytes, including the terminating NUL.
#define IA_DICOM_MESSAGE_CAPACITY 320

/// Failure description in English, naming attributes by tag and never by value.
typedef struct ia_dicom_message {
    char text[IA_DICOM_MESSAGE_CAPACITY];
} ia_dicom_message;

/// Attributes of an opened file that decide how its pixels are decoded.
///
/// Integer fields are 0 when the attribute is absent, strings are empty. The rescale and
/// window values are the top-level ones; ia_dicom_frame_transform gives the per-frame values
/// of enhanced multi-frame objects.
typedef struct ia_dicom_info {
    /// (0002,0010) Transfer Syntax UID as DCMTK detected it, and its name.
    char transfer_syntax_uid[68];
    char transfer_syntax_name[96];
    /// (0008,0016) SOP Class UID (or (0002,0002) when only the meta header has it), and its name.
    char sop_class_uid[68];
    char sop_class_name[96];
    /// (0028,0004) Photometric Interpretation as stored, for example "MONOCHROME1", "YBR_FULL_422".
    char photometric_interpretation[24];
    /// (0028,0008) Number of Frames; 1 when absent.
    int frame_count;
    int rows;
    int columns;
    int samples_per_pixel;
    int bits_allocated;
    int bits_stored;
    int high_bit;
    /// 0 unsigned, 1 two's complement.
    int pixel_representation;
    /// 0 colour-by-pixel, 1 colour-by-plane.
    int planar_configuration;
    /// 1 when (7FE0,0010) Pixel Data, (7FE0,0008) Float Pixel Data or (7FE0,0009) Double
    /// Float Pixel Data is present.
    int has_pixel_data;
    /// 1 for Float or Double Float Pixel Data: samples are real values, not stored integers.
    int is_float_pixel_data;
    /// 1 when (0028,1053) Rescale Slope or (0028,1052) Rescale Intercept is present.
    int has_rescale;
    double rescale_slope;
    double rescale_intercept;
    /// 1 when (0028,1050) Window Center and (0028,1051) Window Width are present (first values).
    int has_window;
    double window_center;
    double window_width;
    /// Entries of the first (0028,3000) Modality LUT Sequence item; 0 when there is none.
    int modality_lut_entries;
    /// Channels that ia_dicom_decode_frame writes per pixel: 1 (MONOCHROME1/2) or 3 (RGB).
    int output_channels;
    /// Bits that hold the decoded sample values: Bits Stored for monochrome and RGB data, the
    /// palette entry depth (8 or 16) for PALETTE COLOR; 0 for float pixel data.
    int output_bits;
    /// 1 when the decoded monochrome data is MONOCHROME1 (minimum is white).
    int is_monochrome1;
} ia_dicom_info;

/// Per-frame pixel value transformation and window.
typedef struct ia_dicom_frame_transform {
    /// Rescale slope and intercept: from the frame's Pixel Value Transformation Sequence of an
    /// enhanced object (per-frame group first, then shared group), else the top-level
    /// attributes, else 1 and 0.
    double rescale_slope;
    double rescale_intercept;
    int has_rescale;
    /// Window from the frame's Frame VOI LUT Sequence (per-frame, then shared), else the
    /// top-level (0028,1050)/(0028,1051) first values.
    double window_center;
    double window_width;
    int has_window;
} ia_dicom_frame_transform;

/// An opened DICOM file; release with ia_dicom_close.
typedef struct ia_dicom ia_dicom;

/// Parses a DICOM file held in memory (with or without the 128-byte preamble and meta header).
///
/// On IA_DICOM_OK, *handle owns a parsed copy of the data (the caller's buffer may be freed)
/// and *info is filled. IA_DICOM_UNSUPPORTED means the file parsed but its pixels cannot be
/// decoded here. *info is then filled as far as the file allows, the message names the reason
/// (the SOP class for objects without pixel data, the transfer syntax UID and name for a
/// syntax without decoder), and *handle is NULL.
ia_dicom_status ia_dicom_open_memory(const uint8_t *data, size_t size, ia_dicom **handle, ia_dicom_info *info,
                                     ia_dicom_message *message);

/// Parses the DICOM file at `path` (UTF-8); otherwise as ia_dicom_open_memory.
ia_dicom_status ia_dicom_open_file(const char *path, ia_dicom **handle, ia_dicom_info *info,
                                   ia_dicom_message *message);

/// Decodes frame `frame` (0-based) into rows * columns * info.output_channels samples,
/// row-major with channels interleaved.
///
/// Monochrome samples are the stored values: the Bits Stored bits below and including High
/// Bit, sign-extended when Pixel Representation is 1, before any modality LUT. Colour data is
/// converted to RGB: YBR_FULL and YBR_FULL_422 with the full-range BT.601 matrix of PS3.3
/// C.7.6.3.1.2 rounded to integers, YBR_PARTIAL_422/420 with the partial-range matrix (8-bit
/// only), YBR_RCT and YBR_ICT by OpenJPEG's inverse component transform, PALETTE COLOR by the
/// red, green and blue palette LUTs, plain or segmented (indices below the first mapped value
/// take entry 0, above the last take the last entry). Float pixel data is copied as is.
/// `capacity` is the number of doubles at `samples`.
ia_dicom_status ia_dicom_decode_frame(ia_dicom *handle, int frame, double *samples, size_t capacity,
                                      ia_dicom_message *message);

/// Fills *transform for frame `frame` (0-based).
ia_dicom_status ia_dicom_frame_transform_of(ia_dicom *handle, int frame, ia_dicom_frame_transform *transform,
                                            ia_dicom_message *message);

/// Copies the first Modality LUT Sequence item: up to `capacity` entries into `table`, the
/// first mapped stored value into *first_mapped and the entry bit depth into *bits.
/// Returns IA_DICOM_UNSUPPORTED when the file has no Modality LUT Sequence.
ia_dicom_status ia_dicom_modality_lut(ia_dicom *handle, double *table, size_t capacity, int *first_mapped,
                                      int *bits, ia_dicom_message *message);

/// Expands Segmented Palette Color Lookup Table Data (DICOM PS3.3 C.7.9.2) into a plain LUT.
///
/// `values` is the segmented data split into entries: one value per byte in file order when
/// `entry_bits` is 8, one value per 16-bit word when it is 16 (the third value of the palette
/// descriptor). Each segment starts with its type and length:
/// - 0 discrete: `length` entries follow and are copied;
/// - 1 linear: one value y1 follows; appends `length` entries from the previous entry y0 to y1,
///   entry i = y0 + i (y1 - y0) / length rounded half to even (as pydicom 3.0.2), last = y1;
/// - 2 indirect: a 32-bit offset follows (two words, low word first, or four bytes ordered as
///   pydicom reads them for `is_big_endian`); copies the expansion of `length` segments that
///   start at that offset, counted in values from the start of `values`.
/// A single trailing value is padding and ignored. A linear or indirect first segment, an
/// unknown type, data that ends inside a segment, more than 16 nested indirect levels or more
/// than 65536 entries give IA_DICOM_CORRUPT. On IA_DICOM_OK *entry_count is the number of
/// entries written to `table`; IA_DICOM_NO_MEMORY when it exceeds `capacity` (*entry_count
/// then holds the size needed).
ia_dicom_status ia_dicom_expand_segmented_lut(const uint16_t *values, size_t value_count, int entry_bits,
                                              int is_big_endian, double *table, size_t capacity,
                                              size_t *entry_count, ia_dicom_message *message);

/// Releases a handle from ia_dicom_open_memory or ia_dicom_open_file; NULL is ignored.
void ia_dicom_close(ia_dicom *handle);

#ifdef __cplusplus
}
#endif

#endif
