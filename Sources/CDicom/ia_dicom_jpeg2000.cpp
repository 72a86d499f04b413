// JPEG 2000 frames through OpenJPEG: DCMTK 3.6.7 has no free JPEG 2000 codec, so the frame's
// fragments are taken from the pixel sequence and decoded here.
#include "ia_dicom_internal.h"

#include "dcmtk/dcmdata/dcdeftag.h"
#include "dcmtk/dcmdata/dcpixel.h"
#include "dcmtk/dcmdata/dcpixseq.h"
#include "dcmtk/dcmdata/dcpxitem.h"

#include <openjpeg-2.5/openjpeg.h>  // Debian installs OpenJPEG 2.5 headers in this subfolder.

#include <cstring>
#include <memory>

namespace ia_dicom_detail {

namespace {

/// Bytes of one pixel item (fragment); false when DCMTK cannot provide them.
bool fragment_bytes(DcmPixelSequence *sequence, unsigned long index, const Uint8 **bytes, Uint32 *length) {
    DcmPixelItem *item = nullptr;
    if (sequence->getItem(item, index).bad() || item == nullptr) {
        return false;
    }
    Uint8 *data = nullptr;
    *length = item->getLength();
    if (*length == 0) {
        *bytes = nullptr;
        return true;
    }
    if (item->getUint8Array(data).bad() || data == nullptr) {
        return false;
    }
    *bytes = data;
    return true;
}

/// Whether the fragment starts a JPEG 2000 codestream (SOC then SIZ) or a JP2 file.
bool starts_codestream(const Uint8 *bytes, Uint32 length) {
    static const Uint8 codestream[4] = {0xFF, 0x4F, 0xFF, 0x51};
    static const Uint8 jp2[8] = {0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20};
    return (length >= 4 && memcmp(bytes, codestream, 4) == 0) || (length >= 8 && memcmp(bytes, jp2, 8) == 0);
}

/// Concatenates the fragments of frame `frame`: all fragments for a single frame, one per frame
/// when the counts match, else fragments grouped by where each codestream starts.
ia_dicom_status collect_frame(DcmPixelSequence *sequence, int frame, int frame_count, std::vector<Uint8> *codestream,
                              ia_dicom_message *message) {
    unsigned long fragment_count = sequence->card();
    if (fragment_count < 2) {
        set_message(message, "the pixel sequence holds no fragments after the offset table");
        return IA_DICOM_CORRUPT;
    }
    std::vector<unsigned long> selected;
    if (frame_count == 1) {
        for (unsigned long index = 1; index < fragment_count; index++) {
            selected.push_back(index);
        }
    } else if (fragment_count - 1 == unsigned(frame_count)) {
        selected.push_back(unsigned(frame) + 1);
    } else {
        int current = -1;
        for (unsigned long index = 1; index < fragment_count; index++) {
            const Uint8 *bytes = nullptr;
            Uint32 length = 0;
            if (!fragment_bytes(sequence, index, &bytes, &length)) {
                set_message(message, "fragment %lu of the pixel sequence could not be read", index);
                return IA_DICOM_CORRUPT;
            }
            if (bytes != nullptr && starts_codestream(bytes, length)) {
                current++;
            }
            if (current == frame) {
                selected.push_back(index);
            }
        }
        if (selected.empty()) {
            set_message(message, "no codestream for frame %d among %lu fragments", frame, fragment_count - 1);
            return IA_DICOM_CORRUPT;
        }
    }
    for (unsigned long index : selected) {
        const Uint8 *bytes = nullptr;
        Uint32 length = 0;
        if (!fragment_bytes(sequence, index, &bytes, &length)) {
            set_message(message, "fragment %lu of the pixel sequence could not be read", index);
            return IA_DICOM_CORRUPT;
        }
        if (bytes != nullptr) {
            codestream->insert(codestream->end(), bytes, bytes + length);
        }
    }
    return IA_DICOM_OK;
}

struct MemoryReader {
    const Uint8 *data;
    size_t size;
    size_t position;
};

OPJ_SIZE_T read_bytes(void *buffer, OPJ_SIZE_T count, void *user) {
    MemoryReader *reader = static_cast<MemoryReader *>(user);
    if (reader->position >= reader->size) {
        return OPJ_SIZE_T(-1);
    }
    size_t available = reader->size - reader->position;
    size_t copied = count < available ? count : available;
    memcpy(buffer, reader->data + reader->position, copied);
    reader->position += copied;
    return copied;
}

OPJ_OFF_T skip_bytes(OPJ_OFF_T count, void *user) {
    MemoryReader *reader = static_cast<MemoryReader *>(user);
    if (count < 0) {
        return -1;
    }
    size_t available = reader->size - reader->position;
    size_t skipped = size_t(count) < available ? size_t(count) : available;
    reader->position += skipped;
    return OPJ_OFF_T(skipped);
}

OPJ_BOOL seek_to(OPJ_OFF_T offset, void *user) {
    MemoryReader *reader = static_cast<MemoryReader *>(user);
    if (offset < 0 || size_t(offset) > reader->size) {
        return OPJ_FALSE;
    }
    reader->position = size_t(offset);
    return OPJ_TRUE;
}

void keep_error(const char *text, void *user) {
    std::string *error = static_cast<std::string *>(user);
    if (error->empty() && text != nullptr) {
        *error = text;
        while (!error->empty() && (error->back() == '\n' || error->back() == ' ')) {
            error->pop_back();
        }
    }
}

void ignore_message(const char *, void *) {}

struct CodecDeleter {
    void operator()(opj_codec_t *codec) const { opj_destroy_codec(codec); }
};
struct StreamDeleter {
    void operator()(opj_stream_t *stream) const { opj_stream_destroy(stream); }
};
struct ImageDeleter {
    void operator()(opj_image_t *image) const { opj_image_destroy(image); }
};

}  // namespace

ia_dicom_status decode_jpeg2000_frame(ia_dicom *handle, int frame, RawFrame *raw, ia_dicom_message *message) {
    const ia_dicom_info &info = handle->info;

    // The frame's codestream from the encapsulated pixel data.
    DcmElement *element = nullptr;
    if (handle->dataset->findAndGetElement(DCM_PixelData, element).bad() || element == nullptr) {
        set_message(message, "Pixel Data (7FE0,0010) could not be read");
        return IA_DICOM_CORRUPT;
    }
    DcmPixelData *pixel_data = dynamic_cast<DcmPixelData *>(element);
    DcmPixelSequence *sequence = nullptr;
    if (pixel_data == nullptr ||
        pixel_data->getEncapsulatedRepresentation(handle->transfer_syntax, nullptr, sequence).bad() ||
        sequence == nullptr) {
        set_message(message, "Pixel Data (7FE0,0010) is not an encapsulated pixel sequence");
        return IA_DICOM_CORRUPT;
    }
    std::vector<Uint8> codestream;
    ia_dicom_status status = collect_frame(sequence, frame, info.frame_count, &codestream, message);
    if (status != IA_DICOM_OK) {
        return status;
    }
    if (codestream.size() < 8) {
        set_message(message, "frame %d holds %zu bytes of JPEG 2000 data", frame, codestream.size());
        return IA_DICOM_TRUNCATED;
    }

    // OpenJPEG decode from memory; a JP2 box header selects the JP2 reader.
    static const Uint8 jp2[8] = {0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20};
    bool is_jp2 = memcmp(codestream.data(), jp2, 8) == 0;
    std::unique_ptr<opj_codec_t, CodecDeleter> codec(opj_create_decompress(is_jp2 ? OPJ_CODEC_JP2 : OPJ_CODEC_J2K));
    std::unique_ptr<opj_stream_t, StreamDeleter> stream(opj_stream_create(OPJ_J2K_STREAM_CHUNK_SIZE, OPJ_TRUE));
    if (!codec || !stream) {
        set_message(message, "OpenJPEG could not create a decoder");
        return IA_DICOM_NO_MEMORY;
    }
    std::string error;
    opj_set_error_handler(codec.get(), keep_error, &error);
    opj_set_warning_handler(codec.get(), ignore_message, nullptr);
    opj_set_info_handler(codec.get(), ignore_message, nullptr);
    opj_dparameters_t parameters;
    opj_set_default_decoder_parameters(&parameters);
    if (!opj_setup_decoder(codec.get(), &parameters)) {
        set_message(message, "OpenJPEG could not set up the decoder: %s", error.c_str());
        return IA_DICOM_CORRUPT;
    }
    MemoryReader reader{codestream.data(), codestream.size(), 0};
    opj_stream_set_user_data(stream.get(), &reader, nullptr);
    opj_stream_set_user_data_length(stream.get(), codestream.size());
    opj_stream_set_read_function(stream.get(), read_bytes);
    opj_stream_set_skip_function(stream.get(), skip_bytes);
    opj_stream_set_seek_function(stream.get(), seek_to);
    opj_image_t *decoded = nullptr;
    bool ok = opj_read_header(stream.get(), codec.get(), &decoded);
    std::unique_ptr<opj_image_t, ImageDeleter> image(decoded);
    if (ok) {
        ok = opj_decode(codec.get(), stream.get(), image.get()) && opj_end_decompress(codec.get(), stream.get());
    }
    if (!ok || !image) {
        set_message(message, "OpenJPEG could not decode frame %d: %s", frame,
                    error.empty() ? "no message" : error.c_str());
        return IA_DICOM_CORRUPT;
    }

    // Components must match the Image Pixel attributes before any sample is read.
    if (int(image->numcomps) < info.samples_per_pixel) {
        set_message(message, "the codestream has %u components, Samples per Pixel is %d", image->numcomps,
                    info.samples_per_pixel);
        return IA_DICOM_CORRUPT;
    }
    for (int component = 0; component < info.samples_per_pixel; component++) {
        const opj_image_comp_t &plane = image->comps[component];
        if (int(plane.w) != info.columns || int(plane.h) != info.rows || plane.dx != 1 || plane.dy != 1 ||
            plane.data == nullptr) {
            set_message(message, "codestream component %d is %u x %u (subsampling %u x %u), the header says %d x %d",
                        component, plane.w, plane.h, plane.dx, plane.dy, info.columns, info.rows);
            return IA_DICOM_CORRUPT;
        }
    }

    // Stored values colour-by-pixel. An unsigned codestream in a signed image (Pixel
    // Representation 1) is sign-extended from Bits Stored.
    size_t pixels = size_t(info.rows) * size_t(info.columns);
    size_t channels = size_t(info.samples_per_pixel);
    raw->values.resize(pixels * channels);
    for (size_t channel = 0; channel < channels; channel++) {
        const opj_image_comp_t &plane = image->comps[channel];
        bool extend = plane.sgnd == 0 && info.pixel_representation == 1;
        int64_t sign_bit = int64_t(1) << (info.bits_stored - 1);
        for (size_t p = 0; p < pixels; p++) {
            int64_t value = plane.data[p];
            if (extend) {
                value &= (sign_bit << 1) - 1;
                if ((value & sign_bit) != 0) {
                    value -= sign_bit << 1;
                }
            }
            raw->values[p * channels + channel] = double(value);
        }
    }
    raw->planar_configuration = 0;
    std::string model = info.photometric_interpretation;
    raw->color_model = (model == "YBR_RCT" || model == "YBR_ICT") ? "RGB" : model;
    return IA_DICOM_OK;
}

}  // namespace ia_dicom_detail
