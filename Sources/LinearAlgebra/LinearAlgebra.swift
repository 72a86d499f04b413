// LinearAlgebra module.
