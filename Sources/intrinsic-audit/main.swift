print("intrinsic-audit")
