// Expansion of Segmented Palette Color Lookup Table Data (0028,1221...1223), DICOM PS3.3
// C.7.9.2, into a plain LUT. Rounding and byte order follow pydicom 3.0.2's
// `_expand_segmented_lut`, so PALETTE COLOR frames come out equal to its `apply_color_lut`.
#include "ia_dicom_internal.h"

#include <cmath>
#include <new>

namespace ia_dicom_detail {

namespace {

/// Nesting limit of indirect segments. Deeper nesting is rejected as corrupt, which also stops
/// an indirect segment that points at itself.
constexpr int maximum_indirect_depth = 16;

/// Segments processed per LUT before the data is rejected as corrupt. Indirect segments can copy
/// segments that copy segments again, so this bounds the work on hostile input.
constexpr size_t maximum_segment_count = size_t(1) << 20;

struct SegmentExpansion {
    const uint16_t *values = nullptr;
    size_t value_count = 0;
    int entry_bits = 16;
    bool is_big_endian = false;
    std::vector<double> *table = nullptr;
    size_t segments_read = 0;
};

/// Appends the values of a linear segment from y0 (the previous entry) to y1 in `length` steps.
///
/// Entry i (1-based) is y0 + i (y1 - y0) / length rounded half to even, and the last entry is
/// exactly y1. The value is computed as numpy 2.x `linspace(y0 + step, y1, length)` computes it
/// (start + k * ((stop - start) / (length - 1)), last set to stop), so that the rounding of
/// ties matches pydicom's `np.around` bit for bit.
void append_linear(std::vector<double> *table, double y0, double y1, size_t length) {
    if (length == 0) {
        return;
    }
    if (y0 == y1) {
        table->insert(table->end(), length, y1);
        return;
    }
    double step = (y1 - y0) / double(length);
    double start = y0 + step;
    if (length == 1) {
        table->push_back(std::nearbyint(start));
        return;
    }
    double spacing = (y1 - start) / double(length - 1);
    for (size_t k = 0; k + 1 < length; k++) {
        // Two statements, so the compiler cannot fuse them into one FMA that numpy does not use.
        double offset = double(k) * spacing;
        double value = offset + start;
        table->push_back(std::nearbyint(value));
    }
    table->push_back(y1);
}

/// Expands segments starting at value `offset`: all of them up to the end of the data when
/// `segment_limit` is 0, else at most `segment_limit` (the segments an indirect segment copies).
ia_dicom_status expand_segments(SegmentExpansion *expansion, size_t offset, size_t segment_limit, int depth,
                                ia_dicom_message *message) {
    const uint16_t *values = expansion->values;
    size_t count = expansion->value_count;
    std::vector<double> *table = expansion->table;
    size_t segments_here = 0;

    // `offset + 1 < count`: a single trailing value is padding, as in pydicom.
    while (offset + 1 < count) {
        uint16_t opcode = values[offset];
        size_t length = values[offset + 1];
        size_t segment_start = offset;
        offset += 2;

        if (++expansion->segments_read > maximum_segment_count) {
            set_message(message, "segmented palette LUT has more than %zu segments after indirection",
                        maximum_segment_count);
            return IA_DICOM_CORRUPT;
        }

        if (opcode == 0) {
            // Discrete segment: `length` entries follow as is.
            if (offset + length > count) {
                set_message(message, "discrete segment at value %zu needs %zu entries, %zu remain", segment_start,
                            length, count - offset);
                return IA_DICOM_CORRUPT;
            }
            for (size_t i = 0; i < length; i++) {
                table->push_back(double(values[offset + i]));
            }
            offset += length;
        } else if (opcode == 1) {
            // Linear segment: from the previous entry to the one value that follows.
            if (table->empty()) {
                set_message(message, "linear segment at value %zu has no previous entry to start from",
                            segment_start);
                return IA_DICOM_CORRUPT;
            }
            if (offset >= count) {
                set_message(message, "linear segment at value %zu ends before its end value", segment_start);
                return IA_DICOM_CORRUPT;
            }
            append_linear(table, table->back(), double(values[offset]), length);
            offset += 1;
        } else if (opcode == 2) {
            // Indirect segment: copies `length` segments that start at a 32-bit offset, counted in
            // values from the start of the data (pydicom and GDCM read it this way). The offset is
            // two words, least significant first, or four bytes whose order depends on the byte
            // order of the data set.
            if (table->empty()) {
                set_message(message, "indirect segment at value %zu has no previous entry", segment_start);
                return IA_DICOM_CORRUPT;
            }
            size_t offset_values = expansion->entry_bits == 8 ? 4 : 2;
            if (offset + offset_values > count) {
                set_message(message, "indirect segment at value %zu ends before its offset", segment_start);
                return IA_DICOM_CORRUPT;
            }
            uint64_t target = 0;
            if (expansion->entry_bits == 8) {
                const uint16_t *b = values + offset;
                target = expansion->is_big_endian
                             ? (uint64_t(b[2]) << 24) | (uint64_t(b[3]) << 16) | (uint64_t(b[0]) << 8) | b[1]
                             : (uint64_t(b[3]) << 24) | (uint64_t(b[2]) << 16) | (uint64_t(b[1]) << 8) | b[0];
            } else {
                target = (uint64_t(values[offset + 1]) << 16) | values[offset];
            }
            offset += offset_values;
            if (depth >= maximum_indirect_depth) {
                set_message(message, "indirect segment at value %zu nests more than %d levels deep", segment_start,
                            maximum_indirect_depth);
                return IA_DICOM_CORRUPT;
            }
            if (target >= count) {
                set_message(message, "indirect segment at value %zu points at value %llu of %zu", segment_start,
                            (unsigned long long)target, count);
                return IA_DICOM_CORRUPT;
            }
            // NOTE: pydicom 3.0.2 raises when a copied linear segment comes first and the previous
            // entry is 0; here it starts from 0 like any other previous entry.
            if (length > 0) {
                ia_dicom_status status = expand_segments(expansion, size_t(target), length, depth + 1, message);
                if (status != IA_DICOM_OK) {
                    return status;
                }
            }
        } else {
            set_message(message, "segment at value %zu has unknown type %u (expected 0, 1 or 2)", segment_start,
                        unsigned(opcode));
            return IA_DICOM_CORRUPT;
        }

        if (table->size() > 65536) {
            set_message(message, "segmented palette LUT expands to more than 65536 entries");
            return IA_DICOM_CORRUPT;
        }
        segments_here += 1;
        if (segments_here == segment_limit) {
            return IA_DICOM_OK;
        }
    }
    return IA_DICOM_OK;
}

}  // namespace

ia_dicom_status expand_segmented_lut(const uint16_t *values, size_t value_count, int entry_bits, bool is_big_endian,
                                     std::vector<double> *table, ia_dicom_message *message) {
    if (entry_bits != 8 && entry_bits != 16) {
        set_message(message, "segmented palette LUT entries of %d bits are not supported (expected 8 or 16)",
                    entry_bits);
        return IA_DICOM_UNSUPPORTED;
    }
    table->clear();
    SegmentExpansion expansion;
    expansion.values = values;
    expansion.value_count = value_count;
    expansion.entry_bits = entry_bits;
    expansion.is_big_endian = is_big_endian;
    expansion.table = table;
    return expand_segments(&expansion, 0, 0, 0, message);
}

}  // namespace ia_dicom_detail

extern "C" ia_dicom_status ia_dicom_expand_segmented_lut(const uint16_t *values, size_t value_count, int entry_bits,
                                                         int is_big_endian, double *table, size_t capacity,
                                                         size_t *entry_count, ia_dicom_message *message) {
    using namespace ia_dicom_detail;
    try {
        std::vector<double> expanded;
        ia_dicom_status status =
            expand_segmented_lut(values, value_count, entry_bits, is_big_endian != 0, &expanded, message);
        if (status != IA_DICOM_OK) {
            return status;
        }
        *entry_count = expanded.size();
        if (expanded.size() > capacity) {
            set_message(message, "buffer of %zu entries is smaller than the expanded LUT's %zu", capacity,
                        expanded.size());
            return IA_DICOM_NO_MEMORY;
        }
        std::copy(expanded.begin(), expanded.end(), table);
        return IA_DICOM_OK;
    } catch (const std::bad_alloc &) {
        set_message(message, "out of memory while expanding a segmented palette LUT");
        return IA_DICOM_NO_MEMORY;
    } catch (...) {
        set_message(message, "exception while expanding a segmented palette LUT");
        return IA_DICOM_CORRUPT;
    }
}
