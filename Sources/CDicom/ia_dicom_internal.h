// Shared declarations of the DCMTK shim: the handle, message helpers and the per-part entry
// points implemented in ia_dicom_*.cpp. Not part of the C API.
#ifndef IA_DICOM_INTERNAL_H
#define IA_DICOM_INTERNAL_H

#include "ia_dicom.h"

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dcfilefo.h"
#include "dcmtk/dcmdata/dcdatset.h"
#include "dcmtk/dcmdata/dcxfer.h"

#include <string>
#include <vector>

struct ia_dicom {
    DcmFileFormat file;
    DcmDataset *dataset = nullptr;
    ia_dicom_info info{};
    E_TransferSyntax transfer_syntax = EXS_Unknown;
    /// Whether frames are decoded by OpenJPEG instead of a DCMTK codec.
    bool uses_openjpeg = false;
};

namespace ia_dicom_detail {

/// Writes printf-style text into *message (truncated to its capacity). Ignores a NULL message.
void set_message(ia_dicom_message *message, const char *format, ...) __attribute__((format(printf, 2, 3)));

/// Clears the text DCMTK logged on this thread, before a call that may log.
void clear_log();

/// Returns the last error-level (else warning-level) text DCMTK logged on this thread, with
/// quoted values removed; empty when nothing was logged.
std::string logged_text();

/// Reads value `index` of a LUT descriptor, whose VR is US or SS. The first-mapped value
/// (index 1) is signed when `is_signed`; the other values are unsigned 16-bit.
bool descriptor_value(DcmItem *item, const DcmTagKey &tag, unsigned long index, bool is_signed, long *value);

/// Registers the DCMTK decoders and silences oflog, once per process.
void initialize_once();

/// Samples of one frame as DCMTK or OpenJPEG delivered them, before colour conversion.
struct RawFrame {
    /// Stored values in the order of the decoded buffer (planar or by pixel, possibly 4:2:2),
    /// already masked to Bits Stored and sign-extended.
    std::vector<double> values;
    /// Colour model of `values`, for example "MONOCHROME2", "RGB", "YBR_FULL_422".
    std::string color_model;
    /// Planar configuration of `values`: 0 colour-by-pixel, 1 colour-by-plane.
    int planar_configuration = 0;
};

/// Decodes frame `frame` of a JPEG 2000 file through OpenJPEG into *raw.
ia_dicom_status decode_jpeg2000_frame(ia_dicom *handle, int frame, RawFrame *raw, ia_dicom_message *message);

/// Decodes frame `frame` through DCMTK (uncompressed, deflated, RLE, JPEG, JPEG-LS) into *raw.
ia_dicom_status decode_dcmtk_frame(ia_dicom *handle, int frame, RawFrame *raw, ia_dicom_message *message);

/// Expands Segmented Palette Color Lookup Table Data into *table; see
/// ia_dicom_expand_segmented_lut for the meaning of the arguments.
ia_dicom_status expand_segmented_lut(const uint16_t *values, size_t value_count, int entry_bits, bool is_big_endian,
                                     std::vector<double> *table, ia_dicom_message *message);

/// Converts *raw to rows * columns * output_channels interleaved samples at `samples`.
ia_dicom_status convert_frame(ia_dicom *handle, const RawFrame &raw, double *samples, ia_dicom_message *message);

}  // namespace ia_dicom_detail

#endif
