// Opening a DICOM file: codec registration, log capture, parsing and the attribute summary.
#include "ia_dicom_internal.h"

#include "dcmtk/dcmdata/dcistrmb.h"
#include "dcmtk/dcmdata/dcmetinf.h"
#include "dcmtk/dcmdata/dcdeftag.h"
#include "dcmtk/dcmdata/dcuid.h"
#include "dcmtk/dcmdata/dccodec.h"
#include "dcmtk/dcmdata/dcrledrg.h"
#include "dcmtk/dcmjpeg/djdecode.h"
#include "dcmtk/dcmjpls/djdecode.h"
#include "dcmtk/oflog/oflog.h"
#include "dcmtk/oflog/appender.h"
#include "dcmtk/oflog/spi/logevent.h"

#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <new>

namespace ia_dicom_detail {

void set_message(ia_dicom_message *message, const char *format, ...) {
    if (message == nullptr) {
        return;
    }
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(message->text, sizeof message->text, format, arguments);
    va_end(arguments);
}

namespace {

thread_local std::string last_error_log;
thread_local std::string last_warning_log;

/// Replaces every '...' or "..." span with <value>, because DCMTK quotes element values.
std::string without_quoted_values(const std::string &text) {
    std::string result;
    char open_quote = 0;
    for (char character : text) {
        if (open_quote != 0) {
            if (character == open_quote) {
                open_quote = 0;
            }
            continue;
        }
        if (character == '"' || character == '\'') {
            open_quote = character;
            result += "<value>";
            continue;
        }
        result += (character == '\n' || character == '\r') ? ' ' : character;
    }
    return result;
}

/// oflog appender that keeps the last error and warning text of the calling thread.
class CaptureAppender : public dcmtk::log4cplus::Appender {
public:
    void close() override {}

protected:
    void append(const dcmtk::log4cplus::spi::InternalLoggingEvent &event) override {
        std::string text = event.getLoggerName().c_str();
        text += ": ";
        text += event.getMessage().c_str();
        if (event.getLogLevel() >= dcmtk::log4cplus::ERROR_LOG_LEVEL) {
            last_error_log = without_quoted_values(text);
        } else if (event.getLogLevel() >= dcmtk::log4cplus::WARN_LOG_LEVEL) {
            last_warning_log = without_quoted_values(text);
        }
    }
};

}  // namespace

void clear_log() {
    last_error_log.clear();
    last_warning_log.clear();
}

std::string logged_text() {
    return last_error_log.empty() ? last_warning_log : last_error_log;
}

bool descriptor_value(DcmItem *item, const DcmTagKey &tag, unsigned long index, bool is_signed, long *value) {
    Uint16 unsigned_value = 0;
    Sint16 signed_value = 0;
    if (item->findAndGetUint16(tag, unsigned_value, index).good()) {
        *value = is_signed ? long(Sint16(unsigned_value)) : long(unsigned_value);
        return true;
    }
    if (item->findAndGetSint16(tag, signed_value, index).good()) {
        *value = is_signed ? long(signed_value) : long(Uint16(signed_value));
        return true;
    }
    return false;
}

void initialize_once() {
    static std::once_flag once;
    std::call_once(once, [] {
        // The root logger gets only our appender, so nothing reaches stdout or stderr.
        dcmtk::log4cplus::Logger root = dcmtk::log4cplus::Logger::getRoot();
        root.removeAllAppenders();
        root.addAppender(dcmtk::log4cplus::SharedAppenderPtr(new CaptureAppender()));
        root.setLogLevel(dcmtk::log4cplus::WARN_LOG_LEVEL);

        DJDecoderRegistration::registerCodecs();
        DJLSDecoderRegistration::registerCodecs();
        DcmRLEDecoderRegistration::registerCodecs();
    });
}

}  // namespace ia_dicom_detail

using namespace ia_dicom_detail;

namespace {

void copy_text(char *destination, size_t capacity, const char *source) {
    snprintf(destination, capacity, "%s", source == nullptr ? "" : source);
}

/// Names of transfer syntaxes newer than DCMTK 3.6.7's dictionary, for messages.
const char *name_of_newer_transfer_syntax(const std::string &uid) {
    static const struct {
        const char *uid;
        const char *name;
    } names[] = {
        {"1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 Image Compression (Lossless Only)"},
        {"1.2.840.10008.1.2.4.202", "High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only)"},
        {"1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000 Image Compression"},
        {"1.2.840.10008.1.2.8.1", "Deflated Image Frame Compression"},
        {"1.2.840.10008.1.2.4.110", "JPEG XL Lossless"},
        {"1.2.840.10008.1.2.4.111", "JPEG XL JPEG Recompression"},
        {"1.2.840.10008.1.2.4.112", "JPEG XL"},
    };
    for (const auto &entry : names) {
        if (uid == entry.uid) {
            return entry.name;
        }
    }
    return nullptr;
}

int integer_attribute(DcmItem *item, const DcmTagKey &tag) {
    Uint16 value = 0;
    return item->findAndGetUint16(tag, value).good() ? int(value) : 0;
}

/// Reads the first value of a DS attribute; returns false when absent or not a number.
bool decimal_attribute(DcmItem *item, const DcmTagKey &tag, double *value) {
    Float64 number = 0;
    if (item->findAndGetFloat64(tag, number, 0).bad()) {
        return false;
    }
    *value = number;
    return true;
}

std::string uppercase_trimmed(const OFString &text) {
    std::string result;
    for (char character : std::string(text.c_str())) {
        if (character != ' ') {
            result += char(toupper(static_cast<unsigned char>(character)));
        }
    }
    return result;
}

/// Fills handle->info from the parsed file and decides whether its pixels can be decoded.
ia_dicom_status summarize(ia_dicom *handle, ia_dicom_message *message) {
    DcmDataset *dataset = handle->dataset;
    DcmMetaInfo *meta = handle->file.getMetaInfo();
    ia_dicom_info &info = handle->info;

    // Transfer syntax: the meta header's UID when present, else what DCMTK detected.
    handle->transfer_syntax = dataset->getOriginalXfer();
    DcmXfer detected(handle->transfer_syntax);
    OFString syntax_uid;
    if (meta == nullptr || meta->findAndGetOFString(DCM_TransferSyntaxUID, syntax_uid).bad() || syntax_uid.empty()) {
        syntax_uid = detected.getXferID();
    }
    copy_text(info.transfer_syntax_uid, sizeof info.transfer_syntax_uid, syntax_uid.c_str());
    const char *syntax_name = dcmFindNameOfUID(syntax_uid.c_str(), nullptr);
    if (syntax_name == nullptr) {
        syntax_name = name_of_newer_transfer_syntax(syntax_uid.c_str());
    }
    copy_text(info.transfer_syntax_name, sizeof info.transfer_syntax_name,
              syntax_name == nullptr ? "unknown transfer syntax" : syntax_name);

    // SOP class, from the dataset or else the meta header (a DICOMDIR has it only there).
    OFString sop_class;
    if (dataset->findAndGetOFString(DCM_SOPClassUID, sop_class).bad() || sop_class.empty()) {
        if (meta != nullptr) {
            meta->findAndGetOFString(DCM_MediaStorageSOPClassUID, sop_class);
        }
    }
    copy_text(info.sop_class_uid, sizeof info.sop_class_uid, sop_class.c_str());
    const char *sop_name = dcmFindNameOfUID(sop_class.c_str(), nullptr);
    copy_text(info.sop_class_name, sizeof info.sop_class_name,
              sop_name != nullptr ? sop_name : (sop_class.empty() ? "no SOP Class UID" : "unknown SOP class"));

    // Image Pixel module.
    OFString photometric;
    dataset->findAndGetOFString(DCM_PhotometricInterpretation, photometric);
    copy_text(info.photometric_interpretation, sizeof info.photometric_interpretation,
              uppercase_trimmed(photometric).c_str());
    info.rows = integer_attribute(dataset, DCM_Rows);
    info.columns = integer_attribute(dataset, DCM_Columns);
    info.samples_per_pixel = integer_attribute(dataset, DCM_SamplesPerPixel);
    info.bits_allocated = integer_attribute(dataset, DCM_BitsAllocated);
    info.bits_stored = integer_attribute(dataset, DCM_BitsStored);
    info.high_bit = integer_attribute(dataset, DCM_HighBit);
    info.pixel_representation = integer_attribute(dataset, DCM_PixelRepresentation);
    info.planar_configuration = integer_attribute(dataset, DCM_PlanarConfiguration);
    Sint32 frames = 1;
    if (dataset->findAndGetSint32(DCM_NumberOfFrames, frames).bad()) {
        frames = 1;
    }
    info.frame_count = frames;

    // Modality LUT and VOI attributes.
    double slope = 1;
    double intercept = 0;
    bool has_slope = decimal_attribute(dataset, DCM_RescaleSlope, &slope);
    bool has_intercept = decimal_attribute(dataset, DCM_RescaleIntercept, &intercept);
    info.has_rescale = has_slope || has_intercept;
    info.rescale_slope = has_slope ? slope : 1;
    info.rescale_intercept = has_intercept ? intercept : 0;
    info.has_window = decimal_attribute(dataset, DCM_WindowCenter, &info.window_center) &&
                      decimal_attribute(dataset, DCM_WindowWidth, &info.window_width);
    DcmItem *lut_item = nullptr;
    if (dataset->findAndGetSequenceItem(DCM_ModalityLUTSequence, lut_item, 0).good() && lut_item != nullptr) {
        long entries = 0;
        if (descriptor_value(lut_item, DCM_LUTDescriptor, 0, false, &entries)) {
            info.modality_lut_entries = entries == 0 ? 65536 : int(entries);
        }
    }

    // Pixel data presence and kind.
    bool has_integer_pixels = dataset->tagExists(DCM_PixelData);
    bool has_float_pixels = dataset->tagExists(DCM_FloatPixelData) || dataset->tagExists(DCM_DoubleFloatPixelData);
    info.has_pixel_data = has_integer_pixels || has_float_pixels;
    info.is_float_pixel_data = !has_integer_pixels && has_float_pixels;
    if (!info.has_pixel_data) {
        if (info.sop_class_uid[0] == 0) {
            set_message(message, "no pixel data and no SOP Class UID (0008,0016)");
        } else {
            set_message(message, "no pixel data in this %s object (SOP Class UID %s)", info.sop_class_name,
                        info.sop_class_uid);
        }
        return IA_DICOM_UNSUPPORTED;
    }

    // Attribute consistency, before any buffer is sized from these values.
    if (info.rows <= 0 || info.columns <= 0) {
        set_message(message, "Rows (0028,0010) = %d and Columns (0028,0011) = %d must both be positive", info.rows,
                    info.columns);
        return IA_DICOM_CORRUPT;
    }
    if (frames < 1) {
        set_message(message, "Number of Frames (0028,0008) = %d must be at least 1", int(frames));
        return IA_DICOM_CORRUPT;
    }
    if (info.samples_per_pixel == 0) {
        info.samples_per_pixel = 1;
    }
    if (info.samples_per_pixel != 1 && info.samples_per_pixel != 3) {
        set_message(message, "Samples per Pixel (0028,0002) = %d is not supported (only 1 and 3)",
                    info.samples_per_pixel);
        return IA_DICOM_UNSUPPORTED;
    }
    std::string model = info.photometric_interpretation;
    if (info.is_float_pixel_data) {
        info.bits_allocated = dataset->tagExists(DCM_FloatPixelData) ? 32 : 64;
        info.bits_stored = 0;
        if (info.samples_per_pixel != 1) {
            set_message(message, "float pixel data with %d samples per pixel is not supported", info.samples_per_pixel);
            return IA_DICOM_UNSUPPORTED;
        }
    } else {
        if (info.bits_allocated != 1 && info.bits_allocated != 8 && info.bits_allocated != 16 &&
            info.bits_allocated != 32) {
            set_message(message, "Bits Allocated (0028,0100) = %d is not supported (only 1, 8, 16 and 32)",
                        info.bits_allocated);
            return IA_DICOM_UNSUPPORTED;
        }
        if (info.bits_stored <= 0 || info.bits_stored > info.bits_allocated) {
            set_message(message, "Bits Stored (0028,0101) = %d must lie in 1...Bits Allocated (%d)", info.bits_stored,
                        info.bits_allocated);
            return IA_DICOM_CORRUPT;
        }
    }

    // Output layout from the photometric interpretation.
    info.output_bits = info.is_float_pixel_data ? 0 : info.bits_stored;
    if (model == "MONOCHROME1" || model == "MONOCHROME2" || (model.empty() && info.samples_per_pixel == 1)) {
        info.output_channels = 1;
        info.is_monochrome1 = model == "MONOCHROME1";
    } else if (model == "PALETTE COLOR" || model == "PALETTECOLOR") {
        info.output_channels = 3;
        long depth = 0;
        if (!descriptor_value(dataset, DCM_RedPaletteColorLookupTableDescriptor, 2, false, &depth)) {
            set_message(message, "PALETTE COLOR image without Red Palette Color Lookup Table Descriptor (0028,1101)");
            return IA_DICOM_CORRUPT;
        }
        info.output_bits = depth > 8 ? 16 : 8;
    } else if (model == "RGB" || model == "YBR_FULL" || model == "YBR_FULL_422" || model == "YBR_PARTIAL_422" ||
               model == "YBR_PARTIAL_420" || model == "YBR_RCT" || model == "YBR_ICT") {
        if (info.samples_per_pixel != 3) {
            set_message(message, "Photometric Interpretation %s needs 3 samples per pixel, not %d", model.c_str(),
                        info.samples_per_pixel);
            return IA_DICOM_CORRUPT;
        }
        info.output_channels = 3;
    } else {
        set_message(message, "Photometric Interpretation (0028,0004) %s is not supported",
                    model.empty() ? "(absent)" : model.c_str());
        return IA_DICOM_UNSUPPORTED;
    }

    // A decoder for the transfer syntax: DCMTK's codecs, or OpenJPEG for JPEG 2000. A meta
    // header UID that DCMTK does not know (HTJ2K, JPEG XL, ...) means encapsulated data that
    // DCMTK parsed under a guessed syntax, so it is rejected by its UID.
    bool unknown_uid = !syntax_uid.empty() && DcmXfer(syntax_uid.c_str()).getXfer() == EXS_Unknown;
    if (unknown_uid) {
        set_message(message, "unsupported transfer syntax %s (%s)", info.transfer_syntax_uid, info.transfer_syntax_name);
        return IA_DICOM_UNSUPPORTED;
    }
    if (info.bits_allocated == 1 && detected.isEncapsulated() && handle->transfer_syntax != EXS_JPEG2000LosslessOnly &&
        handle->transfer_syntax != EXS_JPEG2000) {
        set_message(message, "1-bit pixel data in transfer syntax %s (%s) is not supported", info.transfer_syntax_uid,
                    info.transfer_syntax_name);
        return IA_DICOM_UNSUPPORTED;
    }
    if (info.is_float_pixel_data || !detected.isEncapsulated()) {
        if (handle->transfer_syntax == EXS_Unknown) {
            set_message(message, "unsupported transfer syntax %s (%s)", info.transfer_syntax_uid,
                        info.transfer_syntax_name);
            return IA_DICOM_UNSUPPORTED;
        }
        return IA_DICOM_OK;
    }
    E_TransferSyntax syntax = handle->transfer_syntax;
    if (syntax == EXS_JPEG2000LosslessOnly || syntax == EXS_JPEG2000) {
        handle->uses_openjpeg = true;
        return IA_DICOM_OK;
    }
    if (DcmCodecList::canChangeCoding(syntax, EXS_LittleEndianExplicit)) {
        return IA_DICOM_OK;
    }
    set_message(message, "unsupported transfer syntax %s (%s)", info.transfer_syntax_uid, info.transfer_syntax_name);
    return IA_DICOM_UNSUPPORTED;
}

/// Maps a failed parse to a status and message.
ia_dicom_status parse_failure(const OFCondition &condition, ia_dicom_message *message) {
    std::string logged = logged_text();
    bool ended_early = condition == EC_StreamNotifyClient || condition == EC_EndOfStream ||
                       condition == EC_PrematureSequDelimitationItem;
    set_message(message, "DCMTK could not parse the data: %s%s%s", condition.text(), logged.empty() ? "" : "; ",
                logged.c_str());
    return ended_early ? IA_DICOM_TRUNCATED : IA_DICOM_CORRUPT;
}

/// Parses, summarizes and hands out the handle; shared by both open functions.
ia_dicom_status finish_open(ia_dicom *handle, OFCondition condition, ia_dicom **out, ia_dicom_info *info,
                            ia_dicom_message *message) {
    if (condition.bad()) {
        ia_dicom_status status = parse_failure(condition, message);
        delete handle;
        return status;
    }
    handle->dataset = handle->file.getDataset();
    if (handle->dataset == nullptr) {
        set_message(message, "DCMTK returned no dataset");
        delete handle;
        return IA_DICOM_CORRUPT;
    }
    ia_dicom_status status = summarize(handle, message);
    if (info != nullptr) {
        *info = handle->info;
    }
    if (status != IA_DICOM_OK) {
        delete handle;
        return status;
    }
    *out = handle;
    return IA_DICOM_OK;
}

}  // namespace

extern "C" ia_dicom_status ia_dicom_open_memory(const uint8_t *data, size_t size, ia_dicom **handle,
                                                ia_dicom_info *info, ia_dicom_message *message) {
    set_message(message, "%s", "");
    *handle = nullptr;
    if (info != nullptr) {
        *info = ia_dicom_info{};
    }
    if (data == nullptr || size < 132) {
        set_message(message, "%zu bytes are too few for a DICOM file", size);
        return IA_DICOM_CORRUPT;
    }
    try {
        initialize_once();
        clear_log();

        // DcmInputBufferStream needs an even length, so an odd file gets one zero pad byte.
        std::vector<uint8_t> even;
        const void *buffer = data;
        size_t length = size;
        if (size % 2 != 0) {
            even.assign(data, data + size);
            even.push_back(0);
            buffer = even.data();
            length = even.size();
        }

        ia_dicom *opened = new ia_dicom();
        DcmInputBufferStream stream;
        stream.setBuffer(buffer, offile_off_t(length));
        stream.setEos();
        opened->file.transferInit();
        OFCondition condition = opened->file.read(stream);
        opened->file.transferEnd();
        return finish_open(opened, condition, handle, info, message);
    } catch (const std::bad_alloc &) {
        set_message(message, "out of memory while parsing");
        return IA_DICOM_NO_MEMORY;
    } catch (const std::exception &error) {
        set_message(message, "DCMTK raised an exception while parsing: %s", error.what());
        return IA_DICOM_CORRUPT;
    } catch (...) {
        set_message(message, "DCMTK raised an unknown exception while parsing");
        return IA_DICOM_CORRUPT;
    }
}

extern "C" ia_dicom_status ia_dicom_open_file(const char *path, ia_dicom **handle, ia_dicom_info *info,
                                              ia_dicom_message *message) {
    set_message(message, "%s", "");
    *handle = nullptr;
    if (info != nullptr) {
        *info = ia_dicom_info{};
    }
    try {
        initialize_once();
        clear_log();
        ia_dicom *opened = new ia_dicom();
        OFCondition condition = opened->file.loadFile(OFFilename(path));
        return finish_open(opened, condition, handle, info, message);
    } catch (const std::bad_alloc &) {
        set_message(message, "out of memory while parsing");
        return IA_DICOM_NO_MEMORY;
    } catch (const std::exception &error) {
        set_message(message, "DCMTK raised an exception while parsing: %s", error.what());
        return IA_DICOM_CORRUPT;
    } catch (...) {
        set_message(message, "DCMTK raised an unknown exception while parsing");
        return IA_DICOM_CORRUPT;
    }
}

extern "C" void ia_dicom_close(ia_dicom *handle) {
    try {
        delete handle;
    } catch (...) {
        // A destructor that throws leaves nothing to recover; the handle is gone either way.
    }
}
