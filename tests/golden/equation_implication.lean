prelude
import RpsdgFormal.Equation
set_option autoImplicit false

section
open RpsdgFormal RpsdgFormal.Field RpsdgFormal.Field.Equation

theorem equation_s21_n1 : ∀ (x : R), Eq (mul (add (mul x (bit0 (bit0 (bit0 one)))) one) (bit0 one)) (bit0 (bit1 (bit0 (bit0 one)))) → Eq x one :=
  fun x h0 =>
  have h1 : Eq (mul (add (mul (bit0 (bit0 (bit0 one))) x) one) (bit0 one)) (bit0 (bit1 (bit0 (bit0 one)))) := Eq.trans (Eq.symm (congrArg (fun (rpsdg_hole : R) => mul (add rpsdg_hole one) (bit0 one)) (Eq.symm (mul_comm (bit0 (bit0 (bit0 one))) x)))) h0
  have h2 : Eq (mul (bit0 one) (add (mul (bit0 (bit0 (bit0 one))) x) one)) (bit0 (bit1 (bit0 (bit0 one)))) := Eq.trans (Eq.symm (mul_comm (add (mul (bit0 (bit0 (bit0 one))) x) one) (bit0 one))) h1
  have h3 : Eq (div (mul (bit0 one) (add (mul (bit0 (bit0 (bit0 one))) x) one)) (bit0 one)) (div (bit0 (bit1 (bit0 (bit0 one)))) (bit0 one)) := congrArg (fun (rpsdg_hole : R) => div rpsdg_hole (bit0 one)) h2
  have h4 : Eq (add (mul (bit0 (bit0 (bit0 one))) x) one) (div (bit0 (bit1 (bit0 (bit0 one)))) (bit0 one)) := Eq.trans (Eq.symm (mul_div_cancel_left (add (mul (bit0 (bit0 (bit0 one))) x) one) (bit0 one) (pos_ne_zero (bit0 one) (pos_bit0 one (pos_one))))) h3
  have h5 : Eq (add (mul (bit0 (bit0 (bit0 one))) x) one) (bit1 (bit0 (bit0 one))) := Eq.trans h4 (div_eq_of_mul_eq (bit0 (bit1 (bit0 (bit0 one)))) (bit0 one) (bit1 (bit0 (bit0 one))) (pos_ne_zero (bit0 one) (pos_bit0 one (pos_one))) (Eq.trans (bit0_mul one (bit1 (bit0 (bit0 one)))) (congrArg (fun (rpsdg_hole : R) => bit0 rpsdg_hole) (one_mul (bit1 (bit0 (bit0 one)))))))
  have h6 : Eq (sub (add (mul (bit0 (bit0 (bit0 one))) x) one) one) (sub (bit1 (bit0 (bit0 one))) one) := congrArg (fun (rpsdg_hole : R) => sub rpsdg_hole one) h5
  have h7 : Eq (mul (bit0 (bit0 (bit0 one))) x) (sub (bit1 (bit0 (bit0 one))) one) := Eq.trans (Eq.symm (add_sub_cancel_right (mul (bit0 (bit0 (bit0 one))) x) one)) h6
  have h8 : Eq (mul (bit0 (bit0 (bit0 one))) x) (bit0 (bit0 (bit0 one))) := Eq.trans h7 (sub_eq_of_add_eq (bit1 (bit0 (bit0 one))) one (bit0 (bit0 (bit0 one))) (bit0_add_one (bit0 (bit0 one))))
  have h9 : Eq (div (mul (bit0 (bit0 (bit0 one))) x) (bit0 (bit0 (bit0 one)))) (div (bit0 (bit0 (bit0 one))) (bit0 (bit0 (bit0 one)))) := congrArg (fun (rpsdg_hole : R) => div rpsdg_hole (bit0 (bit0 (bit0 one)))) h8
  have h10 : Eq x (div (bit0 (bit0 (bit0 one))) (bit0 (bit0 (bit0 one)))) := Eq.trans (Eq.symm (mul_div_cancel_left x (bit0 (bit0 (bit0 one))) (pos_ne_zero (bit0 (bit0 (bit0 one))) (pos_bit0 (bit0 (bit0 one)) (pos_bit0 (bit0 one) (pos_bit0 one (pos_one))))))) h9
  have h11 : Eq x one := Eq.trans h10 (div_eq_of_mul_eq (bit0 (bit0 (bit0 one))) (bit0 (bit0 (bit0 one))) one (pos_ne_zero (bit0 (bit0 (bit0 one))) (pos_bit0 (bit0 (bit0 one)) (pos_bit0 (bit0 one) (pos_bit0 one (pos_one))))) (Eq.trans (bit0_mul (bit0 (bit0 one)) one) (congrArg (fun (rpsdg_hole : R) => bit0 rpsdg_hole) (Eq.trans (bit0_mul (bit0 one) one) (congrArg (fun (rpsdg_hole : R) => bit0 rpsdg_hole) (Eq.trans (bit0_mul one one) (congrArg (fun (rpsdg_hole : R) => bit0 rpsdg_hole) (one_mul one))))))))
  h11

theorem equation_s21_n1_converse : ∀ (x : R), Eq x one → Eq (mul (add (mul x (bit0 (bit0 (bit0 one)))) one) (bit0 one)) (bit0 (bit1 (bit0 (bit0 one)))) :=
  fun x h0 =>
  have h1 : Eq (mul (bit0 (bit0 (bit0 one))) x) (mul (bit0 (bit0 (bit0 one))) one) := congrArg (fun (rpsdg_hole : R) => mul (bit0 (bit0 (bit0 one))) rpsdg_hole) h0
  have h2 : Eq (mul (bit0 (bit0 (bit0 one))) x) (bit0 (bit0 (bit0 one))) := Eq.trans h1 (Eq.trans (bit0_mul (bit0 (bit0 one)) one) (congrArg (fun (rpsdg_hole : R) => bit0 rpsdg_hole) (Eq.trans (bit0_mul (bit0 one) one) (congrArg (fun (rpsdg_hole : R) => bit0 rpsdg_hole) (Eq.trans (bit0_mul one one) (congrArg (fun (rpsdg_hole : R) => bit0 rpsdg_hole) (one_mul one)))))))
  have h3 : Eq (add (mul (bit0 (bit0 (bit0 one))) x) one) (add (bit0 (bit0 (bit0 one))) one) := congrArg (fun (rpsdg_hole : R) => add rpsdg_hole one) h2
  have h4 : Eq (add (mul (bit0 (bit0 (bit0 one))) x) one) (bit1 (bit0 (bit0 one))) := Eq.trans h3 (bit0_add_one (bit0 (bit0 one)))
  have h5 : Eq (mul (bit0 one) (add (mul (bit0 (bit0 (bit0 one))) x) one)) (mul (bit0 one) (bit1 (bit0 (bit0 one)))) := congrArg (fun (rpsdg_hole : R) => mul (bit0 one) rpsdg_hole) h4
  have h6 : Eq (mul (bit0 one) (add (mul (bit0 (bit0 (bit0 one))) x) one)) (bit0 (bit1 (bit0 (bit0 one)))) := Eq.trans h5 (Eq.trans (bit0_mul one (bit1 (bit0 (bit0 one)))) (congrArg (fun (rpsdg_hole : R) => bit0 rpsdg_hole) (one_mul (bit1 (bit0 (bit0 one))))))
  have h7 : Eq (mul (add (mul (bit0 (bit0 (bit0 one))) x) one) (bit0 one)) (bit0 (bit1 (bit0 (bit0 one)))) := Eq.trans (Eq.symm (Eq.symm (mul_comm (add (mul (bit0 (bit0 (bit0 one))) x) one) (bit0 one)))) h6
  have h8 : Eq (mul (add (mul x (bit0 (bit0 (bit0 one)))) one) (bit0 one)) (bit0 (bit1 (bit0 (bit0 one)))) := Eq.trans (Eq.symm (congrArg (fun (rpsdg_hole : R) => mul (add rpsdg_hole one) (bit0 one)) (mul_comm (bit0 (bit0 (bit0 one))) x))) h7
  h8

end

#print axioms equation_s21_n1
#print axioms equation_s21_n1_converse
