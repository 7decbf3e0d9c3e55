prelude
import RpsdgFormal.Field
set_option autoImplicit false

section
open RpsdgFormal RpsdgFormal.Field

theorem field_s21_n0 : ∀ (x : R), Eq (add (add x (mul x x)) x) (add (add (mul (mul x one) x) x) x) :=
  fun x =>
  have s1 := congrArg (fun (rpsdg_hole : R) => add rpsdg_hole x) (add_comm x (mul x x))
  have s2 := congrArg (fun (rpsdg_hole : R) => add (add (mul rpsdg_hole x) x) x) (Eq.symm (mul_one x))
  Eq.trans s1 s2

theorem field_s21_n1 : ∀ (x : R), Eq (neg (mul x x)) (mul x (add (sub (neg (add zero x)) x) x)) :=
  fun x =>
  have s1 := congrArg (fun (rpsdg_hole : R) => neg (mul x rpsdg_hole)) (Eq.symm (zero_add x))
  have s2 := Eq.symm (mul_neg x (add zero x))
  have s3 := congrArg (fun (rpsdg_hole : R) => mul x rpsdg_hole) (Eq.symm (sub_add_cancel (neg (add zero x)) x))
  Eq.trans s1 (Eq.trans s2 s3)

theorem field_s21_n2 : ∀ (y z x : R), Eq (sub y (mul z (sub (mul one x) one))) (sub y (mul z (add (neg (mul one (sub (neg x) zero))) (neg one)))) :=
  fun y z x =>
  have s1 := congrArg (fun (rpsdg_hole : R) => sub y (mul z (sub rpsdg_hole one))) (Eq.symm (neg_mul_neg one x))
  have s2 := congrArg (fun (rpsdg_hole : R) => sub y (mul z (sub rpsdg_hole one))) (neg_mul one (neg x))
  have s3 := congrArg (fun (rpsdg_hole : R) => sub y (mul z (sub (neg (mul one rpsdg_hole)) one))) (Eq.symm (sub_zero (neg x)))
  have s4 := congrArg (fun (rpsdg_hole : R) => sub y (mul z rpsdg_hole)) (sub_eq_add_neg (neg (mul one (sub (neg x) zero))) one)
  Eq.trans s1 (Eq.trans s2 (Eq.trans s3 s4))

end

#print axioms field_s21_n0
#print axioms field_s21_n1
#print axioms field_s21_n2
