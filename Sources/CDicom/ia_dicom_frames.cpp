// Decoding one frame: DCMTK's frame access, stored-value extraction, colour conversion to RGB,
// and the per-frame rescale and window of enhanced multi-frame objects.
#include "ia_dicom_internal.h"

#include "dcmtk/dcmdata/dcdeftag.h"
#include "dcmtk/dcmdata/dcpixel.h"

#include <cmath>
#include <new>

namespace ia_dicom_detail {

namespace {

/// Masks `raw` to Bits Stored below and including High Bit and sign-extends it when signed.
double stored_value(uint32_t raw, int bits_stored, int high_bit, bool is_signed) {
    int shift = high_bit + 1 - bits_stored;
    if (shift < 0) {
        shift = 0;
    }
    uint64_t mask = (uint64_t(1) << bits_stored) - 1;
    uint64_t value = (uint64_t(raw) >> shift) & mask;
    if (is_signed && (value >> (bits_stored - 1)) != 0) {
        return double(int64_t(value) - int64_t(uint64_t(1) << bits_stored));
    }
    return double(value);
}

/// Rounds to the nearest integer (halves up) and clamps to 0...maximum.
double rounded_clamped(double value, double maximum) {
    double rounded = std::floor(value + 0.5);
    return rounded < 0 ? 0 : (rounded > maximum ? maximum : rounded);
}

/// Expands one channel's Segmented Palette Color Lookup Table Data (OW words in host order) into
/// *lut of `entry_count` entries. Entries past `entry_count` are never indexed and are dropped.
ia_dicom_status read_segmented_palette(DcmDataset *dataset, const Uint16 *words, unsigned long word_count,
                                       size_t entry_count, bool is_big_endian, std::vector<double> *lut,
                                       ia_dicom_message *message) {
    long depth = 0;
    if (!descriptor_value(dataset, DCM_RedPaletteColorLookupTableDescriptor, 2, false, &depth) ||
        (depth != 8 && depth != 16)) {
        set_message(message, "segmented palette LUT with %ld-bit entries is not supported (expected 8 or 16)", depth);
        return IA_DICOM_UNSUPPORTED;
    }

    // 8-bit segments are read byte by byte in file order, so split each word by the data set's
    // byte order.
    std::vector<uint16_t> values;
    if (depth == 8) {
        values.reserve(2 * size_t(word_count));
        for (unsigned long i = 0; i < word_count; i++) {
            uint16_t first = is_big_endian ? uint16_t(words[i] >> 8) : uint16_t(words[i] & 0xFF);
            uint16_t second = is_big_endian ? uint16_t(words[i] & 0xFF) : uint16_t(words[i] >> 8);
            values.push_back(first);
            values.push_back(second);
        }
    } else {
        values.assign(words, words + word_count);
    }

    ia_dicom_status status =
        expand_segmented_lut(values.data(), values.size(), int(depth), is_big_endian, lut, message);
    if (status != IA_DICOM_OK) {
        return status;
    }
    if (lut->size() < entry_count) {
        set_message(message, "segmented palette LUT expands to %zu entries, the descriptor gives %zu", lut->size(),
                    entry_count);
        return IA_DICOM_CORRUPT;
    }
    lut->resize(entry_count);
    return IA_DICOM_OK;
}

/// Reads the three palette LUTs. Plain LUT data has 8-bit entries when it contains one byte per
/// entry. Segmented LUT data (used when the plain data is absent) is expanded with the entry
/// depth of the red descriptor, as pydicom 3.0.2 does. `is_big_endian` is the byte order of the
/// data set, which decides the byte order of 8-bit segments.
ia_dicom_status read_palette(DcmDataset *dataset, std::vector<double> luts[3], long *first_mapped,
                             ia_dicom_message *message, bool is_signed, bool is_big_endian) {
    static const DcmTagKey descriptors[3] = {DCM_RedPaletteColorLookupTableDescriptor,
                                             DCM_GreenPaletteColorLookupTableDescriptor,
                                             DCM_BluePaletteColorLookupTableDescriptor};
    static const DcmTagKey data_tags[3] = {DCM_RedPaletteColorLookupTableData, DCM_GreenPaletteColorLookupTableData,
                                           DCM_BluePaletteColorLookupTableData};
    static const DcmTagKey segmented_tags[3] = {DCM_SegmentedRedPaletteColorLookupTableData,
                                                DCM_SegmentedGreenPaletteColorLookupTableData,
                                                DCM_SegmentedBluePaletteColorLookupTableData};
    for (int channel = 0; channel < 3; channel++) {
        long entries = 0;
        if (!descriptor_value(dataset, descriptors[channel], 0, false, &entries) ||
            !descriptor_value(dataset, descriptors[channel], 1, is_signed, first_mapped)) {
            set_message(message, "palette LUT descriptor %s is missing or has fewer than 3 values",
                        DcmTag(descriptors[channel]).getTagName());
            return IA_DICOM_CORRUPT;
        }
        size_t entry_count = entries == 0 ? 65536 : size_t(entries);

        const Uint16 *words = nullptr;
        unsigned long word_count = 0;
        if (dataset->findAndGetUint16Array(data_tags[channel], words, &word_count).bad() || words == nullptr) {
            if (dataset->findAndGetUint16Array(segmented_tags[channel], words, &word_count).bad() ||
                words == nullptr) {
                set_message(message, "palette LUT data %s and %s are both missing",
                            DcmTag(data_tags[channel]).getTagName(), DcmTag(segmented_tags[channel]).getTagName());
                return IA_DICOM_CORRUPT;
            }
            ia_dicom_status status =
                read_segmented_palette(dataset, words, word_count, entry_count, is_big_endian, &luts[channel], message);
            if (status != IA_DICOM_OK) {
                return status;
            }
            continue;
        }
        luts[channel].resize(entry_count);
        if (word_count >= entry_count) {
            for (size_t i = 0; i < entry_count; i++) {
                luts[channel][i] = words[i];
            }
        } else if (2 * word_count >= entry_count) {
            // One byte per entry packed into OW words, first entry in the low byte.
            for (size_t i = 0; i < entry_count; i++) {
                Uint16 word = words[i / 2];
                luts[channel][i] = (i % 2 == 0) ? (word & 0xFF) : (word >> 8);
            }
        } else {
            set_message(message, "palette LUT data %s holds %lu words for %zu entries",
                        DcmTag(data_tags[channel]).getTagName(), word_count, entry_count);
            return IA_DICOM_CORRUPT;
        }
    }
    return IA_DICOM_OK;
}

/// Finds `macro` in the per-frame functional group of `frame`, else in the shared group.
DcmItem *functional_group_item(DcmDataset *dataset, int frame, const DcmTagKey &macro) {
    DcmItem *group = nullptr;
    DcmItem *item = nullptr;
    if (dataset->findAndGetSequenceItem(DCM_PerFrameFunctionalGroupsSequence, group, frame).good() &&
        group != nullptr && group->findAndGetSequenceItem(macro, item, 0).good() && item != nullptr) {
        return item;
    }
    if (dataset->findAndGetSequenceItem(DCM_SharedFunctionalGroupsSequence, group, 0).good() && group != nullptr &&
        group->findAndGetSequenceItem(macro, item, 0).good() && item != nullptr) {
        return item;
    }
    return nullptr;
}

}  // namespace

namespace {

/// Reads frame `frame` of native (uncompressed or deflated) pixel data straight from the element,
/// with frame offsets computed here: DCMTK 3.6.7 sizes YBR 4:2:2 and 1-bit frames as if they
/// were full-size and byte-aligned.
ia_dicom_status read_native_frame(ia_dicom *handle, DcmElement *element, int frame, RawFrame *raw,
                                  ia_dicom_message *message) {
    const ia_dicom_info &info = handle->info;
    std::string model = info.photometric_interpretation;
    bool subsampled = info.samples_per_pixel == 3 && (model == "YBR_FULL_422" || model == "YBR_PARTIAL_422");
    uint64_t samples = subsampled ? uint64_t(info.rows) * uint64_t((info.columns + 1) / 2) * 4
                                  : uint64_t(info.rows) * uint64_t(info.columns) * uint64_t(info.samples_per_pixel);
    uint64_t available = element->getLength();
    bool is_signed = info.pixel_representation == 1;
    raw->values.resize(size_t(samples));
    raw->color_model = model;
    raw->planar_configuration = info.planar_configuration;

    // 1-bit data: frames follow each other bit by bit, least significant bit first.
    if (info.bits_allocated == 1) {
        uint64_t first_bit = uint64_t(frame) * samples;
        uint64_t offset = first_bit / 8;
        unsigned shift = unsigned(first_bit % 8);
        uint64_t length = (shift + samples + 7) / 8;
        if (offset + length > available) {
            set_message(message, "Pixel Data holds %llu bytes, frame %d needs bytes %llu...%llu",
                        (unsigned long long)available, frame, (unsigned long long)offset,
                        (unsigned long long)(offset + length - 1));
            return IA_DICOM_TRUNCATED;
        }
        std::vector<uint8_t> bytes(size_t(length) + 1);
        if (element->getPartialValue(bytes.data(), Uint32(offset), Uint32(length), nullptr, EBO_LittleEndian).bad()) {
            set_message(message, "DCMTK could not read the bytes of frame %d", frame);
            return IA_DICOM_CORRUPT;
        }
        for (uint64_t i = 0; i < samples; i++) {
            uint64_t bit = shift + i;
            raw->values[size_t(i)] = double((bytes[size_t(bit / 8)] >> (bit % 8)) & 1);
        }
        return IA_DICOM_OK;
    }

    // 8, 16 and 32-bit samples. DCMTK swaps OW data in 16-bit words, which is right for 8 and
    // 16-bit samples; 32-bit samples are read in the file's own byte order instead.
    uint64_t sample_bytes = uint64_t(info.bits_allocated / 8);
    uint64_t length = samples * sample_bytes;
    uint64_t offset = uint64_t(frame) * length;
    if (offset + length > available || offset + length > 0xFFFFFFFFull) {
        set_message(message, "Pixel Data holds %llu bytes, frame %d needs bytes %llu...%llu",
                    (unsigned long long)available, frame, (unsigned long long)offset,
                    (unsigned long long)(offset + length - 1));
        return IA_DICOM_TRUNCATED;
    }
    E_ByteOrder order = EBO_LittleEndian;
    if (sample_bytes == 4) {
        order = DcmXfer(handle->transfer_syntax).getByteOrder();
    }
    std::vector<uint8_t> bytes(size_t(length) + 1);
    if (element->getPartialValue(bytes.data(), Uint32(offset), Uint32(length), nullptr, order).bad()) {
        set_message(message, "DCMTK could not read the bytes of frame %d", frame);
        return IA_DICOM_CORRUPT;
    }
    bool big_endian = order == EBO_BigEndian;
    for (uint64_t i = 0; i < samples; i++) {
        const uint8_t *p = bytes.data() + i * sample_bytes;
        uint32_t word = 0;
        if (sample_bytes == 1) {
            word = p[0];
        } else if (sample_bytes == 2) {
            word = uint32_t(p[0]) | (uint32_t(p[1]) << 8);
        } else if (big_endian) {
            word = (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
        } else {
            word = uint32_t(p[0]) | (uint32_t(p[1]) << 8) | (uint32_t(p[2]) << 16) | (uint32_t(p[3]) << 24);
        }
        raw->values[size_t(i)] = stored_value(word, info.bits_stored, info.high_bit, is_signed);
    }
    return IA_DICOM_OK;
}

}  // namespace

ia_dicom_status decode_dcmtk_frame(ia_dicom *handle, int frame, RawFrame *raw, ia_dicom_message *message) {
    const ia_dicom_info &info = handle->info;
    DcmElement *element = nullptr;
    if (handle->dataset->findAndGetElement(DCM_PixelData, element).bad() || element == nullptr) {
        set_message(message, "Pixel Data (7FE0,0010) could not be read");
        return IA_DICOM_CORRUPT;
    }
    if (!DcmXfer(handle->transfer_syntax).isEncapsulated()) {
        return read_native_frame(handle, element, frame, raw, message);
    }

    // DCMTK decompresses one frame (or copies it, byte-swapped to host order) into a buffer
    // laid out as the dataset describes it, except for the colour model it reports.
    Uint32 frame_size = 0;
    if (element->getUncompressedFrameSize(handle->dataset, frame_size).bad() || frame_size == 0) {
        set_message(message, "DCMTK could not compute the frame size from the Image Pixel attributes");
        return IA_DICOM_CORRUPT;
    }
    std::vector<uint8_t> buffer(size_t(frame_size) + (frame_size % 2));
    Uint32 start_fragment = 0;
    OFString color_model;
    clear_log();
    OFCondition condition = element->getUncompressedFrame(handle->dataset, Uint32(frame), start_fragment,
                                                          buffer.data(), Uint32(buffer.size()), color_model);
    if (condition.bad()) {
        std::string logged = logged_text();
        set_message(message, "DCMTK could not decode frame %d (%s): %s%s%s", frame, info.transfer_syntax_name,
                    condition.text(), logged.empty() ? "" : "; ", logged.c_str());
        bool ended_early = condition == EC_StreamNotifyClient || condition == EC_EndOfStream ||
                           condition == EC_InvalidStream;
        return ended_early ? IA_DICOM_TRUNCATED : IA_DICOM_CORRUPT;
    }

    // Stored values in buffer order.
    size_t bytes_per_sample = size_t(info.bits_allocated / 8);
    size_t count = size_t(frame_size) / bytes_per_sample;
    raw->values.resize(count);
    bool is_signed = info.pixel_representation == 1;
    for (size_t i = 0; i < count; i++) {
        uint32_t word = 0;
        switch (bytes_per_sample) {
        case 1:
            word = buffer[i];
            break;
        case 2:
            word = reinterpret_cast<const uint16_t *>(buffer.data())[i];
            break;
        default:
            word = reinterpret_cast<const uint32_t *>(buffer.data())[i];
            break;
        }
        raw->values[i] = stored_value(word, info.bits_stored, info.high_bit, is_signed);
    }
    raw->color_model = color_model.c_str();
    for (char &character : raw->color_model) {
        character = char(toupper(static_cast<unsigned char>(character)));
    }
    if (raw->color_model.empty()) {
        raw->color_model = info.photometric_interpretation;
    }
    raw->planar_configuration = info.planar_configuration;
    return IA_DICOM_OK;
}

ia_dicom_status convert_frame(ia_dicom *handle, const RawFrame &raw, double *samples, ia_dicom_message *message) {
    const ia_dicom_info &info = handle->info;
    size_t pixels = size_t(info.rows) * size_t(info.columns);
    const std::string &model = raw.color_model;
    const std::vector<double> &values = raw.values;

    // Monochrome: stored values unchanged.
    if (info.output_channels == 1) {
        if (values.size() < pixels) {
            set_message(message, "frame holds %zu samples, expected %zu", values.size(), pixels);
            return IA_DICOM_TRUNCATED;
        }
        std::copy(values.begin(), values.begin() + long(pixels), samples);
        return IA_DICOM_OK;
    }

    // PALETTE COLOR: stored indices through the three LUTs.
    if (info.samples_per_pixel == 1) {
        if (values.size() < pixels) {
            set_message(message, "frame holds %zu samples, expected %zu", values.size(), pixels);
            return IA_DICOM_TRUNCATED;
        }
        std::vector<double> luts[3];
        long first_mapped = 0;
        ia_dicom_status status =
            read_palette(handle->dataset, luts, &first_mapped, message, info.pixel_representation == 1,
                         DcmXfer(handle->transfer_syntax).getByteOrder() == EBO_BigEndian);
        if (status != IA_DICOM_OK) {
            return status;
        }
        for (size_t p = 0; p < pixels; p++) {
            for (int channel = 0; channel < 3; channel++) {
                double index = values[p] - double(first_mapped);
                double last = double(luts[channel].size() - 1);
                size_t clamped = size_t(index < 0 ? 0 : (index > last ? last : index));
                samples[3 * p + size_t(channel)] = luts[channel][clamped];
            }
        }
        return IA_DICOM_OK;
    }

    // Three samples: gather Y/R, Cb/G, Cr/B per pixel from the buffer layout.
    bool subsampled = (model == "YBR_FULL_422" || model == "YBR_PARTIAL_422") && values.size() == 2 * pixels;
    if (!subsampled && values.size() < 3 * pixels) {
        set_message(message, "frame holds %zu samples, expected %zu", values.size(), 3 * pixels);
        return IA_DICOM_TRUNCATED;
    }
    std::vector<double> components(3 * pixels);
    if (subsampled) {
        // 4:2:2 colour-by-pixel: Y1 Y2 Cb Cr for each horizontal pair of pixels, per row.
        size_t columns = size_t(info.columns);
        size_t pair_count_per_row = (columns + 1) / 2;
        for (size_t row = 0; row < size_t(info.rows); row++) {
            for (size_t column = 0; column < columns; column++) {
                size_t base = 4 * (row * pair_count_per_row + column / 2);
                if (base + 3 >= values.size()) {
                    set_message(message, "4:2:2 frame holds %zu samples, too few for %d x %d pixels", values.size(),
                                info.columns, info.rows);
                    return IA_DICOM_TRUNCATED;
                }
                size_t p = row * columns + column;
                components[3 * p] = values[base + column % 2];
                components[3 * p + 1] = values[base + 2];
                components[3 * p + 2] = values[base + 3];
            }
        }
    } else if (raw.planar_configuration == 1) {
        for (size_t p = 0; p < pixels; p++) {
            for (size_t channel = 0; channel < 3; channel++) {
                components[3 * p + channel] = values[channel * pixels + p];
            }
        }
    } else {
        std::copy(values.begin(), values.begin() + long(3 * pixels), components.begin());
    }

    // Colour conversion to RGB.
    int bits = info.bits_stored;
    double maximum = std::ldexp(1.0, bits) - 1;
    double half = std::ldexp(1.0, bits - 1);
    if (model == "RGB" || model == "YBR_RCT" || model == "YBR_ICT") {
        std::copy(components.begin(), components.end(), samples);
        return IA_DICOM_OK;
    }
    if (model == "YBR_FULL" || model == "YBR_FULL_422") {
        for (size_t p = 0; p < pixels; p++) {
            double y = components[3 * p];
            double cb = components[3 * p + 1] - half;
            double cr = components[3 * p + 2] - half;
            samples[3 * p] = rounded_clamped(y + 1.402 * cr, maximum);
            samples[3 * p + 1] = rounded_clamped(y - 0.344136 * cb - 0.714136 * cr, maximum);
            samples[3 * p + 2] = rounded_clamped(y + 1.772 * cb, maximum);
        }
        return IA_DICOM_OK;
    }
    if ((model == "YBR_PARTIAL_422" || model == "YBR_PARTIAL_420") && bits == 8) {
        for (size_t p = 0; p < pixels; p++) {
            double y = 1.164383 * (components[3 * p] - 16);
            double cb = components[3 * p + 1] - 128;
            double cr = components[3 * p + 2] - 128;
            samples[3 * p] = rounded_clamped(y + 1.596027 * cr, maximum);
            samples[3 * p + 1] = rounded_clamped(y - 0.391762 * cb - 0.812968 * cr, maximum);
            samples[3 * p + 2] = rounded_clamped(y + 2.017232 * cb, maximum);
        }
        return IA_DICOM_OK;
    }
    set_message(message, "colour model %s with %d bits stored is not supported", model.c_str(), bits);
    return IA_DICOM_UNSUPPORTED;
}

}  // namespace ia_dicom_detail

using namespace ia_dicom_detail;

namespace {

/// Copies frame `frame` of Float or Double Float Pixel Data.
ia_dicom_status copy_float_frame(ia_dicom *handle, int frame, double *samples, ia_dicom_message *message) {
    size_t pixels = size_t(handle->info.rows) * size_t(handle->info.columns);
    size_t offset = size_t(frame) * pixels;
    unsigned long count = 0;
    if (handle->dataset->tagExists(DCM_FloatPixelData)) {
        const Float32 *values = nullptr;
        if (handle->dataset->findAndGetFloat32Array(DCM_FloatPixelData, values, &count).good() && values != nullptr &&
            count >= offset + pixels) {
            for (size_t i = 0; i < pixels; i++) {
                samples[i] = values[offset + i];
            }
            return IA_DICOM_OK;
        }
    } else {
        const Float64 *values = nullptr;
        if (handle->dataset->findAndGetFloat64Array(DCM_DoubleFloatPixelData, values, &count).good() &&
            values != nullptr && count >= offset + pixels) {
            std::copy(values + offset, values + offset + pixels, samples);
            return IA_DICOM_OK;
        }
    }
    set_message(message, "float pixel data holds %lu values, too few for frame %d of %zu pixels", count, frame, pixels);
    return IA_DICOM_TRUNCATED;
}

}  // namespace

extern "C" ia_dicom_status ia_dicom_decode_frame(ia_dicom *handle, int frame, double *samples, size_t capacity,
                                                 ia_dicom_message *message) {
    set_message(message, "%s", "");
    const ia_dicom_info &info = handle->info;
    if (frame < 0 || frame >= info.frame_count) {
        set_message(message, "frame %d requested, the file holds %d frames (0...%d)", frame, info.frame_count,
                    info.frame_count - 1);
        return IA_DICOM_UNSUPPORTED;
    }
    size_t needed = size_t(info.rows) * size_t(info.columns) * size_t(info.output_channels);
    if (capacity < needed) {
        set_message(message, "buffer of %zu samples is smaller than the %zu of one frame", capacity, needed);
        return IA_DICOM_NO_MEMORY;
    }
    try {
        if (info.is_float_pixel_data) {
            return copy_float_frame(handle, frame, samples, message);
        }
        RawFrame raw;
        ia_dicom_status status = handle->uses_openjpeg ? decode_jpeg2000_frame(handle, frame, &raw, message)
                                                       : decode_dcmtk_frame(handle, frame, &raw, message);
        if (status != IA_DICOM_OK) {
            return status;
        }
        return convert_frame(handle, raw, samples, message);
    } catch (const std::bad_alloc &) {
        set_message(message, "out of memory while decoding frame %d", frame);
        return IA_DICOM_NO_MEMORY;
    } catch (const std::exception &error) {
        set_message(message, "exception while decoding frame %d: %s", frame, error.what());
        return IA_DICOM_CORRUPT;
    } catch (...) {
        set_message(message, "unknown exception while decoding frame %d", frame);
        return IA_DICOM_CORRUPT;
    }
}

extern "C" ia_dicom_status ia_dicom_frame_transform_of(ia_dicom *handle, int frame,
                                                       ia_dicom_frame_transform *transform,
                                                       ia_dicom_message *message) {
    set_message(message, "%s", "");
    const ia_dicom_info &info = handle->info;
    transform->rescale_slope = info.rescale_slope;
    transform->rescale_intercept = info.rescale_intercept;
    transform->has_rescale = info.has_rescale;
    transform->window_center = info.window_center;
    transform->window_width = info.window_width;
    transform->has_window = info.has_window;
    try {
        if (DcmItem *item = functional_group_item(handle->dataset, frame, DCM_PixelValueTransformationSequence)) {
            Float64 slope = 1;
            Float64 intercept = 0;
            bool has_slope = item->findAndGetFloat64(DCM_RescaleSlope, slope).good();
            bool has_intercept = item->findAndGetFloat64(DCM_RescaleIntercept, intercept).good();
            if (has_slope || has_intercept) {
                transform->rescale_slope = has_slope ? slope : 1;
                transform->rescale_intercept = has_intercept ? intercept : 0;
                transform->has_rescale = 1;
            }
        }
        if (DcmItem *item = functional_group_item(handle->dataset, frame, DCM_FrameVOILUTSequence)) {
            Float64 center = 0;
            Float64 width = 0;
            if (item->findAndGetFloat64(DCM_WindowCenter, center).good() &&
                item->findAndGetFloat64(DCM_WindowWidth, width).good()) {
                transform->window_center = center;
                transform->window_width = width;
                transform->has_window = 1;
            }
        }
        return IA_DICOM_OK;
    } catch (...) {
        set_message(message, "exception while reading the functional groups of frame %d", frame);
        return IA_DICOM_CORRUPT;
    }
}

extern "C" ia_dicom_status ia_dicom_modality_lut(ia_dicom *handle, double *table, size_t capacity, int *first_mapped,
                                                 int *bits, ia_dicom_message *message) {
    set_message(message, "%s", "");
    try {
        DcmItem *item = nullptr;
        if (handle->dataset->findAndGetSequenceItem(DCM_ModalityLUTSequence, item, 0).bad() || item == nullptr) {
            set_message(message, "no Modality LUT Sequence (0028,3000)");
            return IA_DICOM_UNSUPPORTED;
        }
        long entries = 0;
        long first = 0;
        long depth = 0;
        bool is_signed = handle->info.pixel_representation == 1;
        if (!descriptor_value(item, DCM_LUTDescriptor, 0, false, &entries) ||
            !descriptor_value(item, DCM_LUTDescriptor, 1, is_signed, &first) ||
            !descriptor_value(item, DCM_LUTDescriptor, 2, false, &depth)) {
            set_message(message, "LUT Descriptor (0028,3002) of the Modality LUT Sequence has fewer than 3 values");
            return IA_DICOM_CORRUPT;
        }
        size_t entry_count = entries == 0 ? 65536 : size_t(entries);
        if (capacity < entry_count) {
            set_message(message, "buffer of %zu entries is smaller than the LUT's %zu", capacity, entry_count);
            return IA_DICOM_NO_MEMORY;
        }
        const Uint16 *words = nullptr;
        unsigned long word_count = 0;
        if (item->findAndGetUint16Array(DCM_LUTData, words, &word_count).bad() || words == nullptr ||
            word_count < entry_count) {
            set_message(message, "LUT Data (0028,3006) holds %lu values for %zu entries", word_count, entry_count);
            return IA_DICOM_CORRUPT;
        }
        for (size_t i = 0; i < entry_count; i++) {
            table[i] = words[i];
        }
        *first_mapped = int(first);
        *bits = int(depth);
        return IA_DICOM_OK;
    } catch (...) {
        set_message(message, "exception while reading the Modality LUT Sequence");
        return IA_DICOM_CORRUPT;
    }
}
