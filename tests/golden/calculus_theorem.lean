prelude
import RpsdgFormal.Calculus
set_option autoImplicit false

section
open RpsdgFormal RpsdgFormal.Field RpsdgFormal.Field.Calculus

theorem calculus_s21_n1 : Eq (D (add X (pow3 (exp (add (bit1 one) X))))) (add one (mul (bit1 one) (pow3 (exp (add (bit1 one) X))))) :=
  have s1 := D_add X (pow3 (exp (add (bit1 one) X)))
  have s2 := congrArg (fun (rpsdg_hole : R) => add rpsdg_hole (D (pow3 (exp (add (bit1 one) X))))) (D_X)
  have s3 := congrArg (fun (rpsdg_hole : R) => add one rpsdg_hole) (D_pow3 (exp (add (bit1 one) X)))
  have s4 := congrArg (fun (rpsdg_hole : R) => add one (mul (mul (bit1 one) (pow2 (exp (add (bit1 one) X)))) rpsdg_hole)) (D_exp (add (bit1 one) X))
  have s5 := congrArg (fun (rpsdg_hole : R) => add one (mul (mul (bit1 one) (pow2 (exp (add (bit1 one) X)))) (mul (exp (add (bit1 one) X)) rpsdg_hole))) (D_add (bit1 one) X)
  have s6 := congrArg (fun (rpsdg_hole : R) => add one (mul (mul (bit1 one) (pow2 (exp (add (bit1 one) X)))) (mul (exp (add (bit1 one) X)) (add rpsdg_hole (D X))))) (D_bit1 one (D_one))
  have s7 := congrArg (fun (rpsdg_hole : R) => add one (mul (mul (bit1 one) (pow2 (exp (add (bit1 one) X)))) (mul (exp (add (bit1 one) X)) (add zero rpsdg_hole)))) (D_X)
  have s8 := congrArg (fun (rpsdg_hole : R) => add one (mul (mul (bit1 one) (pow2 (exp (add (bit1 one) X)))) (mul (exp (add (bit1 one) X)) rpsdg_hole))) (zero_add one)
  have s9 := congrArg (fun (rpsdg_hole : R) => add one (mul (mul (bit1 one) (pow2 (exp (add (bit1 one) X)))) rpsdg_hole)) (mul_one (exp (add (bit1 one) X)))
  have s10 := congrArg (fun (rpsdg_hole : R) => add one rpsdg_hole) (mul_right_comm (bit1 one) (pow2 (exp (add (bit1 one) X))) (exp (add (bit1 one) X)))
  have s11 := congrArg (fun (rpsdg_hole : R) => add one rpsdg_hole) (mul_assoc (bit1 one) (exp (add (bit1 one) X)) (pow2 (exp (add (bit1 one) X))))
  have s12 := congrArg (fun (rpsdg_hole : R) => add one (mul (bit1 one) rpsdg_hole)) (self_mul_pow2 (exp (add (bit1 one) X)))
  Eq.trans s1 (Eq.trans s2 (Eq.trans s3 (Eq.trans s4 (Eq.trans s5 (Eq.trans s6 (Eq.trans s7 (Eq.trans s8 (Eq.trans s9 (Eq.trans s10 (Eq.trans s11 s12))))))))))

end

#print axioms calculus_s21_n1
