// Training throughput of NeuralNet on synthetic 64×64 images, for scripts/bench/train_throughput.sh.
// Usage: neuralnet-bench MODEL [IMAGES] [EPOCHS] [REPEATS] [THREADS]
import Foundation
import LinearAlgebra
import NeuralNet

let arguments = CommandLine.arguments
guard arguments.count >= 2, let kind = ModelKind(rawValue: arguments[1]) else {
    FileHandle.standardError.write(Data("Error: missing or invalid model; expected resnet or vgg\nUsage: neuralnet-bench MODEL [IMAGES] [EPOCHS] [REPEATS] [THREADS]\n".utf8))
    exit(64)
}
func integer(_ index: Int, default value: Int) -> Int {
    guard index < arguments.count else { return value }
    guard let parsed = Int(arguments[index]), parsed > 0 else {
        FileHandle.standardError.write(Data("Error: invalid count '\(arguments[index])' in argument \(index); expected a positive integer\n".utf8))
        exit(64)
    }
    return parsed
}
let count = integer(2, default: 1000)
let epochs = integer(3, default: 2)
let repeats = integer(4, default: 3)
let threads = integer(5, default: 2)
BLAS.setThreads(threads)

// Smooth patterns in [0, 1] like scripts/pytorch_reference.py uses, with alternating labels.
let side = 64
var images = [Float](repeating: 0, count: count * side * side)
for n in 0..<count {
    for i in 0..<side {
        for j in 0..<side {
            let phase = 0.37 * Double(i + 1) * Double(n % 97 + 1) + 0.23 * Double(j) * Double(n % 89 + 2)
            images[(n * side + i) * side + j] = Float(0.5 + 0.5 * sin(phase) * cos(0.11 * Double(i - j) + Double(n)))
        }
    }
}
let labels = (0..<count).map { Float($0 % 2) }

/// CPU seconds of the whole process (all threads). Other jobs on the machine change it less than wall time.
func processCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

// CPU time per image is taken between consecutive polls of isCancelled, which train makes before every
// step. An interval that spans an epoch's end also contains the accuracy pass, so it is left out together
// with its step (the epoch's last, possibly partial, batch).
let stepsPerEpoch = (count + 31) / 32
var rates: [Double] = []
var cpuPerImage: [Double] = []
for repeatIndex in 0..<repeats {
    let network = Network(kind: kind, inputSide: side, seed: UInt64(repeatIndex))
    let settings = TrainingSettings(batchSize: 32, maxEpochs: epochs, seed: UInt64(repeatIndex))
    var polls = 0
    var lastPoll = 0.0
    var cpuSeconds = 0.0
    var timedImages = 0
    do {
        let outcome = try train(network, images: images, labels: labels, settings: settings,
                                isCancelled: {
                                    let now = processCPUSeconds()
                                    if polls % stepsPerEpoch != 0 {
                                        cpuSeconds += now - lastPoll
                                        timedImages += 32
                                    }
                                    polls += 1
                                    lastPoll = now
                                    return false
                                }, onEpoch: { _ in })
        rates.append(outcome.imagesPerSecond)
        if timedImages > 0 {
            cpuPerImage.append(cpuSeconds / Double(timedImages))
        }
    } catch {
        FileHandle.standardError.write(Data("Error: training failed: \(error)\n".utf8))
        exit(1)
    }
}
let median = rates.sorted()[rates.count / 2]
var line = String(format: "neuralnet %@: %.0f img/s (median of %d, %d threads)", kind.rawValue, median, repeats, threads)
if !cpuPerImage.isEmpty {
    line += String(format: ", %.1f CPU ms per image", 1000 * cpuPerImage.sorted()[cpuPerImage.count / 2])
}
print(line)
