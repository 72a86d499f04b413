// libFuzzer target over the CDicom shim: parses arbitrary bytes with DCMTK, then decodes every
// frame (up to 4), reads the per-frame transforms and the modality LUT, as ImageIO does.
// Built and run by scripts/fuzz_dicom.sh, not by the package build or CI.
#include "ia_dicom.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace {

/// Largest rows x columns decoded, like ImageIO's maxPixels check, so the fuzzer measures the
/// shim rather than allocations of declared sizes.
constexpr size_t max_pixels = 4 * 1024 * 1024;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    ia_dicom *handle = nullptr;
    ia_dicom_info info{};
    ia_dicom_message message{};
    if (ia_dicom_open_memory(data, size, &handle, &info, &message) != IA_DICOM_OK) {
        return 0;
    }

    size_t pixels = size_t(info.rows) * size_t(info.columns);
    if (pixels <= max_pixels) {
        std::vector<double> samples(pixels * size_t(info.output_channels));
        int frames = info.frame_count < 4 ? info.frame_count : 4;
        for (int frame = 0; frame < frames; frame++) {
            ia_dicom_frame_transform transform{};
            ia_dicom_frame_transform_of(handle, frame, &transform, &message);
            ia_dicom_decode_frame(handle, frame, samples.data(), samples.size(), &message);
        }
        ia_dicom_decode_frame(handle, info.frame_count, samples.data(), samples.size(), &message);
    }
    if (info.modality_lut_entries > 0) {
        std::vector<double> table(size_t(info.modality_lut_entries));
        int first_mapped = 0;
        int bits = 0;
        ia_dicom_modality_lut(handle, table.data(), table.size(), &first_mapped, &bits, &message);
    }

    ia_dicom_close(handle);
    return 0;
}
