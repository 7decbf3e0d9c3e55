prelude
import RpsdgFormal.Equation
set_option autoImplicit false

section
open RpsdgFormal RpsdgFormal.Field RpsdgFormal.Field.Equation

theorem equation_s21_n0 : ∀ (x : R), Eq (add (bit0 (bit0 one)) (mul (bit1 (bit1 one)) (add (bit1 one) x))) (bit0 (bit1 (bit1 (bit1 (bit0 one))))) → Eq x (bit1 one) :=
  fun x h0 =>
  have h1 : Eq (add (mul (bit1 (bit1 one)) (add (bit1 one) x)) (bit0 (bit0 one))) (bit0 (bit1 (bit1 (bit1 (bit0 one))))) := Eq.trans (Eq.symm (add_comm (bit0 (bit0 one)) (mul (bit1 (bit1 one)) (add (bit1 one) x)))) h0
  have h2 : Eq (add (mul (bit1 (bit1 one)) (add x (bit1 one))) (bit0 (bit0 one))) (bit0 (bit1 (bit1 (bit1 (bit0 one))))) := Eq.trans (Eq.symm (congrArg (fun (rpsdg_hole : R) => add (mul (bit1 (bit1 one)) rpsdg_hole) (bit0 (bit0 one))) (add_comm (bit1 one) x))) h1
  have h3 : Eq (sub (add (mul (bit1 (bit1 one)) (add x (bit1 one))) (bit0 (bit0 one))) (bit0 (bit0 one))) (sub (bit0 (bit1 (bit1 (bit1 (bit0 one))))) (bit0 (bit0 one))) := congrArg (fun (rpsdg_hole : R) => sub rpsdg_hole (bit0 (bit0 one))) h2
  have h4 : Eq (mul (bit1 (bit1 one)) (add x (bit1 one))) (sub (bit0 (bit1 (bit1 (bit1 (bit0 one))))) (bit0 (bit0 one))) := Eq.trans (Eq.symm (add_sub_cancel_right (mul (bit1 (bit1 one)) (add x (bit1 one))) (bit0 (bit0 one)))) h3
  have h5 : Eq (mul (bit1 (bit1 one)) (add x (bit1 one))) (bit0 (bit1 (bit0 (bit1 (bit0 one))))) := Eq.trans h4 (sub_eq_of_add_eq (bit0 (bit1 (bit1 (bit1 (bit0 one))))) (bit0 (bit0 one)) (bit0 (bit1 (bit0 (bit1 (bit0 one))))) (Eq.trans (bit0_add_bit0 (bit1 (bit0 (bit1 (bit0 one)))) (bit0 one)) (congrArg (fun (rpsdg_hole : R) => bit0 rpsdg_hole) (Eq.trans (bit1_add_bit0 (bit0 (bit1 (bit0 one))) one) (congrArg (fun (rpsdg_hole : R) => bit1 rpsdg_hole) (bit0_add_one (bit1 (bit0 one))))))))
  have h6 : Eq (div (mul (bit1 (bit1 one)) (add x (bit1 one))) (bit1 (bit1 one))) (div (bit0 (bit1 (bit0 (bit1 (bit0 one))))) (bit1 (bit1 one))) := congrArg (fun (rpsdg_hole : R) => div rpsdg_hole (bit1 (bit1 one))) h5
  have h7 : Eq (add x (bit1 one)) (div (bit0 (bit1 (bit0 (bit1 (bit0 one))))) (bit1 (bit1 one))) := Eq.trans (Eq.symm (mul_div_cancel_left (add x (bit1 one)) (bit1 (bit1 one)) (pos_ne_zero (bit1 (bit1 one)) (pos_bit1 (bit1 one) (pos_bit1 one (pos_one)))))) h6
  have h8 : Eq (add x (bit1 one)) (bit0 (bit1 one)) := Eq.trans h7 (div_eq_of_mul_eq (bit0 (bit1 (bit0 (bit1 (bit0 one))))) (bit1 (bit1 one)) (bit0 (bit1 one)) (pos_ne_zero (bit1 (bit1 one)) (pos_bit1 (bit1 one) (pos_bit1 one (pos_one)))) (Eq.trans (bit1_mul (bit1 one) (bit0 (bit1 one))) (Eq.trans (congrArg (fun (rpsdg_hole : R) => add (bit0 rpsdg_hole) (bit0 (bit1 one))) (Eq.trans (bit1_mul one (bit0 (bit1 one))) (Eq.trans (congrArg (fun (rpsdg_hole : R) => add (bit0 rpsdg_hole) (bit0 (bit1 one))) (one_mul (bit0 (bit1 one)))) (Eq.trans (bit0_add_bit0 (bit0 (bit1 one)) (bit1 one)) (congrArg (fun (rpsdg_hole : R) => bit0 rpsdg_hole) (Eq.trans (bit0_add_bit1 (bit1 one) one) (congrArg (fun (rpsdg_hole : R) => bit1 rpsdg_hole) (Eq.trans (bit1_add_one one) (congrArg (fun (rpsdg_hole : R) => bit0 rpsdg_hole) (one_add_one)))))))))) (Eq.trans (bit0_add_bit0 (bit0 (bit1 (bit0 (bit0 one)))) (bit1 one)) (congrArg (fun (rpsdg_hole : R) => bit0 rpsdg_hole) (Eq.trans (bit0_add_bit1 (bit1 (bit0 (bit0 one))) one) (congrArg (fun (rpsdg_hole : R) => bit1 rpsdg_hole) (Eq.trans (bit1_add_one (bit0 (bit0 one))) (congrArg (fun (rpsdg_hole : R) => bit0 rpsdg_hole) (bit0_add_one (bit0 one)))))))))))
  have h9 : Eq (sub (add x (bit1 one)) (bit1 one)) (sub (bit0 (bit1 one)) (bit1 one)) := congrArg (fun (rpsdg_hole : R) => sub rpsdg_hole (bit1 one)) h8
  have h10 : Eq x (sub (bit0 (bit1 one)) (bit1 one)) := Eq.trans (Eq.symm (add_sub_cancel_right x (bit1 one))) h9
  have h11 : Eq x (bit1 one) := Eq.trans h10 (sub_eq_of_add_eq (bit0 (bit1 one)) (bit1 one) (bit1 one) (Eq.trans (bit1_add_bit1 one one) (congrArg (fun (rpsdg_hole : R) => bit0 rpsdg_hole) (Eq.trans (congrArg (fun (rpsdg_hole : R) => add rpsdg_hole one) (one_add_one)) (bit0_add_one one)))))
  h11

theorem equation_s21_n0_converse : ∀ (x : R), Eq x (bit1 one) → Eq (add (bit0 (bit0 one)) (mul (bit1 (bit1 one)) (add (bit1 one) x))) (bit0 (bit1 (bit1 (bit1 (bit0 one))))) :=
  fun x h0 =>
  have h1 : Eq (add x (bit1 one)) (add (bit1 one) (bit1 one)) := congrArg (fun (rpsdg_hole : R) => add rpsdg_hole (bit1 one)) h0
  have h2 : Eq (add x (bit1 one)) (bit0 (bit1 one)) := Eq.trans h1 (Eq.trans (bit1_add_bit1 one one) (congrArg (fun (rpsdg_hole : R) => bit0 rpsdg_hole) (Eq.trans (congrArg (fun (rpsdg_hole : R) => add rpsdg_hole one) (one_add_one)) (bit0_add_one one))))
  have h3 : Eq (mul (bit1 (bit1 one)) (add x (bit1 one))) (mul (bit1 (bit1 one)) (bit0 (bit1 one))) := congrArg (fun (rpsdg_hole : R) => mul (bit1 (bit1 one)) rpsdg_hole) h2
  have h4 : Eq (mul (bit1 (bit1 one)) (add x (bit1 one))) (bit0 (bit1 (bit0 (bit1 (bit0 one))))) := Eq.trans h3 (Eq.trans (bit1_mul (bit1 one) (bit0 (bit1 one))) (Eq.trans (congrArg (fun (rpsdg_hole : R) => add (bit0 rpsdg_hole) (bit0 (bit1 one))) (Eq.trans (bit1_mul one (bit0 (bit1 one))) (Eq.trans (congrArg (fun (rpsdg_hole : R) => add (bit0 rpsdg_hole) (bit0 (bit1 one))) (one_mul (bit0 (bit1 one)))) (Eq.trans (bit0_add_bit0 (bit0 (bit1 one)) (bit1 one)) (congrArg (fun (rpsdg_hole : R) => bit0 rpsdg_hole) (Eq.trans (bit0_add_bit1 (bit1 one) one) (congrArg (fun (rpsdg_hole : R) => bit1 rpsdg_hole) (Eq.trans (bit1_add_one one) (congrArg (fun (rpsdg_hole : R) => bit0 rpsdg_hole) (one_add_one)))))))))) (Eq.trans (bit0_add_bit0 (bit0 (bit1 (bit0 (bit0 one)))) (bit1 one)) (congrArg (fun (rpsdg_hole : R) => bit0 rpsdg_hole) (Eq.trans (bit0_add_bit1 (bit1 (bit0 (bit0 one))) one) (congrArg (fun (rpsdg_hole : R) => bit1 rpsdg_hole) (Eq.trans (bit1_add_one (bit0 (bit0 one))) (congrArg (fun (rpsdg_hole : R) => bit0 rpsdg_hole) (bit0_add_one (bit0 one))))))))))
  have h5 : Eq (add (mul (bit1 (bit1 one)) (add x (bit1 one))) (bit0 (bit0 one))) (add (bit0 (bit1 (bit0 (bit1 (bit0 one))))) (bit0 (bit0 one))) := congrArg (fun (rpsdg_hole : R) => add rpsdg_hole (bit0 (bit0 one))) h4
  have h6 : Eq (add (mul (bit1 (bit1 one)) (add x (bit1 one))) (bit0 (bit0 one))) (bit0 (bit1 (bit1 (bit1 (bit0 one))))) := Eq.trans h5 (Eq.trans (bit0_add_bit0 (bit1 (bit0 (bit1 (bit0 one)))) (bit0 one)) (congrArg (fun (rpsdg_hole : R) => bit0 rpsdg_hole) (Eq.trans (bit1_add_bit0 (bit0 (bit1 (bit0 one))) one) (congrArg (fun (rpsdg_hole : R) => bit1 rpsdg_hole) (bit0_add_one (bit1 (bit0 one)))))))
  have h7 : Eq (add (mul (bit1 (bit1 one)) (add (bit1 one) x)) (bit0 (bit0 one))) (bit0 (bit1 (bit1 (bit1 (bit0 one))))) := Eq.trans (Eq.symm (congrArg (fun (rpsdg_hole : R) => add (mul (bit1 (bit1 one)) rpsdg_hole) (bit0 (bit0 one))) (Eq.symm (add_comm (bit1 one) x)))) h6
  have h8 : Eq (add (bit0 (bit0 one)) (mul (bit1 (bit1 one)) (add (bit1 one) x))) (bit0 (bit1 (bit1 (bit1 (bit0 one))))) := Eq.trans (Eq.symm (Eq.symm (add_comm (bit0 (bit0 one)) (mul (bit1 (bit1 one)) (add (bit1 one) x))))) h7
  h8

end

#print axioms equation_s21_n0
#print axioms equation_s21_n0_converse
