prelude
import RpsdgFormal.Calculus
set_option autoImplicit false

section
open RpsdgFormal RpsdgFormal.Field RpsdgFormal.Field.Calculus

theorem calculus_s21_n0 : Ne (exp X) zero → Eq (D (log (exp X))) (div (exp X) (exp X)) :=
  fun h1 =>
  have s1 := D_log (exp X) h1
  have s2 := congrArg (fun (rpsdg_hole : R) => div rpsdg_hole (exp X)) (D_exp X)
  have s3 := congrArg (fun (rpsdg_hole : R) => div (mul (exp X) rpsdg_hole) (exp X)) (D_X)
  have s4 := congrArg (fun (rpsdg_hole : R) => div rpsdg_hole (exp X)) (mul_one (exp X))
  Eq.trans s1 (Eq.trans s2 (Eq.trans s3 s4))

end

#print axioms calculus_s21_n0
