/// Ranks tasks by K_F, which is comparable only between tasks measured on the same images at
/// the same preprocessing and the same sample size (K_F is a maximum over pairs and grows with
/// the sample).
///
/// Within each group of equal `samples`, tasks are sorted by mean K_F, largest first: rank 1 is
/// the hardest task at equal N and d_data. `ratio_to_easiest` is K_F / K_F of the group's
/// smallest. Tasks without a finite K_F get no rank.
func rankTasks(_ tasks: inout [TaskReport]) {
    let groups = Dictionary(grouping: tasks.indices.filter { tasks[$0].labelSharpness.mean != nil }) {
        tasks[$0].labelSharpness.samples
    }
    for (samples, members) in groups {
        let ordered = members.sorted {
            (tasks[$0].labelSharpness.mean!, tasks[$1].name) > (tasks[$1].labelSharpness.mean!, tasks[$0].name)
        }
        let easiest = tasks[ordered.last!].labelSharpness.mean!
        var rank = 0
        var previous: Double?
        for (position, index) in ordered.enumerated() {
            let value = tasks[index].labelSharpness.mean!
            if value != previous { rank = position + 1 }
            previous = value
            tasks[index].rank = rank
            tasks[index].rankGroup = "M=\(samples)"
            tasks[index].ratioToEasiest = value / easiest
        }
    }
    tasks.sort { ($0.rankGroup ?? "~", $0.rank ?? Int.max, $0.name) < ($1.rankGroup ?? "~", $1.rank ?? Int.max, $1.name) }
}
