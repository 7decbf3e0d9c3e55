/-
  The theory of a commutative field, in prefix syntax for the `prelude`-only embedded kernel.

  Signature: a carrier `R` with `add`, `mul`, `neg`, `inv`, `zero`, `one`. Subtraction and
  division are definitions (`sub a b := add a (neg b)`, `div a b := mul a (inv b)`), so the
  laws that unfold them are proven by `Eq.refl`. As in Mathlib, `inv zero = zero`.

  Numerals are written in binary with `bit0 a := add a a` and `bit1 a := add (add a a) one`:
  `2 = bit0 one`, `3 = bit1 one`, `4 = bit0 (bit0 one)`, `5 = bit1 (bit0 one)`, `6 = bit0 (bit1 one)`.
  `0` and `1` are `zero` and `one`. The Python side prints and parses numerals this way.

  The axioms below are the whole trusted theory: every rule in `rules/field.yaml` is one of
  them or a theorem proven from them here, and `#print axioms` on a generated theorem must
  list nothing else.
-/
prelude
import RpsdgFormal.Logic
set_option autoImplicit false

namespace RpsdgFormal.Field
open RpsdgFormal

axiom R : Type
axiom zero : R
axiom one : R
axiom add : R → R → R
axiom mul : R → R → R
axiom neg : R → R
axiom inv : R → R

noncomputable def sub (a b : R) : R := add a (neg b)
noncomputable def div (a b : R) : R := mul a (inv b)
noncomputable def bit0 (a : R) : R := add a a
noncomputable def bit1 (a : R) : R := add (add a a) one

axiom add_assoc : ∀ a b c : R, Eq (add (add a b) c) (add a (add b c))
axiom add_comm : ∀ a b : R, Eq (add a b) (add b a)
axiom zero_add : ∀ a : R, Eq (add zero a) a
axiom neg_add_cancel : ∀ a : R, Eq (add (neg a) a) zero
axiom mul_assoc : ∀ a b c : R, Eq (mul (mul a b) c) (mul a (mul b c))
axiom mul_comm : ∀ a b : R, Eq (mul a b) (mul b a)
axiom one_mul : ∀ a : R, Eq (mul one a) a
axiom left_distrib : ∀ a b c : R, Eq (mul a (add b c)) (add (mul a b) (mul a c))
axiom mul_inv_cancel : ∀ a : R, Ne a zero → Eq (mul a (inv a)) one
axiom inv_zero : Eq (inv zero) zero
axiom zero_ne_one : Ne zero one

/-! Derived laws. -/

/-- a + 0 = a -/
theorem add_zero (a : R) : Eq (add a zero) a :=
  Eq.trans (add_comm a zero) (zero_add a)

/-- a + -a = 0 -/
theorem add_neg_cancel (a : R) : Eq (add a (neg a)) zero :=
  Eq.trans (add_comm a (neg a)) (neg_add_cancel a)

/-- a + (b + c) = b + (a + c) -/
theorem add_left_comm (a b c : R) : Eq (add a (add b c)) (add b (add a c)) :=
  have h1 : Eq (add a (add b c)) (add (add a b) c) := Eq.symm (add_assoc a b c)
  have h2 : Eq (add (add a b) c) (add (add b a) c) := congrArg (fun t => add t c) (add_comm a b)
  have h3 : Eq (add (add b a) c) (add b (add a c)) := add_assoc b a c
  Eq.trans h1 (Eq.trans h2 h3)

/-- a + b + c = a + c + b -/
theorem add_right_comm (a b c : R) : Eq (add (add a b) c) (add (add a c) b) :=
  have h1 : Eq (add (add a b) c) (add a (add b c)) := add_assoc a b c
  have h2 : Eq (add a (add b c)) (add a (add c b)) := congrArg (add a) (add_comm b c)
  have h3 : Eq (add a (add c b)) (add (add a c) b) := Eq.symm (add_assoc a c b)
  Eq.trans h1 (Eq.trans h2 h3)

/-- a * 1 = a -/
theorem mul_one (a : R) : Eq (mul a one) a :=
  Eq.trans (mul_comm a one) (one_mul a)

/-- a * (b * c) = b * (a * c) -/
theorem mul_left_comm (a b c : R) : Eq (mul a (mul b c)) (mul b (mul a c)) :=
  have h1 : Eq (mul a (mul b c)) (mul (mul a b) c) := Eq.symm (mul_assoc a b c)
  have h2 : Eq (mul (mul a b) c) (mul (mul b a) c) := congrArg (fun t => mul t c) (mul_comm a b)
  have h3 : Eq (mul (mul b a) c) (mul b (mul a c)) := mul_assoc b a c
  Eq.trans h1 (Eq.trans h2 h3)

/-- a * b * c = a * c * b -/
theorem mul_right_comm (a b c : R) : Eq (mul (mul a b) c) (mul (mul a c) b) :=
  have h1 : Eq (mul (mul a b) c) (mul a (mul b c)) := mul_assoc a b c
  have h2 : Eq (mul a (mul b c)) (mul a (mul c b)) := congrArg (mul a) (mul_comm b c)
  have h3 : Eq (mul a (mul c b)) (mul (mul a c) b) := Eq.symm (mul_assoc a c b)
  Eq.trans h1 (Eq.trans h2 h3)

/-- (a + b) * c = a * c + b * c -/
theorem right_distrib (a b c : R) : Eq (mul (add a b) c) (add (mul a c) (mul b c)) :=
  have h1 : Eq (mul (add a b) c) (mul c (add a b)) := mul_comm (add a b) c
  have h2 : Eq (mul c (add a b)) (add (mul c a) (mul c b)) := left_distrib c a b
  have h3 : Eq (add (mul c a) (mul c b)) (add (mul a c) (mul b c)) :=
    congrArg₂ add (mul_comm c a) (mul_comm c b)
  Eq.trans h1 (Eq.trans h2 h3)

/-- Left cancellation for addition: a + b = a + c implies b = c. -/
theorem add_left_cancel (a b c : R) (h : Eq (add a b) (add a c)) : Eq b c :=
  have h1 : Eq b (add zero b) := Eq.symm (zero_add b)
  have h2 : Eq (add zero b) (add (add (neg a) a) b) :=
    congrArg (fun t => add t b) (Eq.symm (neg_add_cancel a))
  have h3 : Eq (add (add (neg a) a) b) (add (neg a) (add a b)) := add_assoc (neg a) a b
  have h4 : Eq (add (neg a) (add a b)) (add (neg a) (add a c)) := congrArg (add (neg a)) h
  have h5 : Eq (add (neg a) (add a c)) (add (add (neg a) a) c) := Eq.symm (add_assoc (neg a) a c)
  have h6 : Eq (add (add (neg a) a) c) (add zero c) :=
    congrArg (fun t => add t c) (neg_add_cancel a)
  have h7 : Eq (add zero c) c := zero_add c
  Eq.trans h1 (Eq.trans h2 (Eq.trans h3 (Eq.trans h4 (Eq.trans h5 (Eq.trans h6 h7)))))

/-- Uniqueness of the additive inverse: a + b = 0 implies -a = b. -/
theorem neg_eq_of_add_eq_zero (a b : R) (h : Eq (add a b) zero) : Eq (neg a) b :=
  have h1 : Eq (add a (neg a)) (add a b) := Eq.trans (add_neg_cancel a) (Eq.symm h)
  add_left_cancel a (neg a) b h1

/-- a * 0 = 0 -/
theorem mul_zero (a : R) : Eq (mul a zero) zero :=
  have h1 : Eq (add (mul a zero) (mul a zero)) (mul a (add zero zero)) :=
    Eq.symm (left_distrib a zero zero)
  have h2 : Eq (mul a (add zero zero)) (mul a zero) := congrArg (mul a) (zero_add zero)
  have h3 : Eq (mul a zero) (add (mul a zero) zero) := Eq.symm (add_zero (mul a zero))
  add_left_cancel (mul a zero) (mul a zero) zero (Eq.trans h1 (Eq.trans h2 h3))

/-- 0 * a = 0 -/
theorem zero_mul (a : R) : Eq (mul zero a) zero :=
  Eq.trans (mul_comm zero a) (mul_zero a)

/-- -(-a) = a -/
theorem neg_neg (a : R) : Eq (neg (neg a)) a :=
  neg_eq_of_add_eq_zero (neg a) a (neg_add_cancel a)

/-- -0 = 0 -/
theorem neg_zero : Eq (neg zero) zero :=
  neg_eq_of_add_eq_zero zero zero (zero_add zero)

/-- -(a + b) = -a + -b -/
theorem neg_add (a b : R) : Eq (neg (add a b)) (add (neg a) (neg b)) :=
  have h1 : Eq (add (add a b) (add (neg a) (neg b))) (add a (add b (add (neg a) (neg b)))) :=
    add_assoc a b (add (neg a) (neg b))
  have h2 : Eq (add b (add (neg a) (neg b))) (add (neg a) (add b (neg b))) :=
    add_left_comm b (neg a) (neg b)
  have h3 : Eq (add (neg a) (add b (neg b))) (add (neg a) zero) :=
    congrArg (add (neg a)) (add_neg_cancel b)
  have h4 : Eq (add (neg a) zero) (neg a) := add_zero (neg a)
  have h5 : Eq (add a (add b (add (neg a) (neg b)))) (add a (neg a)) :=
    congrArg (add a) (Eq.trans h2 (Eq.trans h3 h4))
  have h6 : Eq (add a (neg a)) zero := add_neg_cancel a
  neg_eq_of_add_eq_zero (add a b) (add (neg a) (neg b)) (Eq.trans h1 (Eq.trans h5 h6))

/-- -a * b = -(a * b) -/
theorem neg_mul (a b : R) : Eq (mul (neg a) b) (neg (mul a b)) :=
  have h1 : Eq (add (mul a b) (mul (neg a) b)) (mul (add a (neg a)) b) :=
    Eq.symm (right_distrib a (neg a) b)
  have h2 : Eq (mul (add a (neg a)) b) (mul zero b) :=
    congrArg (fun t => mul t b) (add_neg_cancel a)
  have h3 : Eq (mul zero b) zero := zero_mul b
  Eq.symm (neg_eq_of_add_eq_zero (mul a b) (mul (neg a) b) (Eq.trans h1 (Eq.trans h2 h3)))

/-- a * -b = -(a * b) -/
theorem mul_neg (a b : R) : Eq (mul a (neg b)) (neg (mul a b)) :=
  have h1 : Eq (mul a (neg b)) (mul (neg b) a) := mul_comm a (neg b)
  have h2 : Eq (mul (neg b) a) (neg (mul b a)) := neg_mul b a
  have h3 : Eq (neg (mul b a)) (neg (mul a b)) := congrArg neg (mul_comm b a)
  Eq.trans h1 (Eq.trans h2 h3)

/-- -a * -b = a * b -/
theorem neg_mul_neg (a b : R) : Eq (mul (neg a) (neg b)) (mul a b) :=
  have h1 : Eq (mul (neg a) (neg b)) (neg (mul a (neg b))) := neg_mul a (neg b)
  have h2 : Eq (neg (mul a (neg b))) (neg (neg (mul a b))) := congrArg neg (mul_neg a b)
  have h3 : Eq (neg (neg (mul a b))) (mul a b) := neg_neg (mul a b)
  Eq.trans h1 (Eq.trans h2 h3)

/-- -1 * a = -a -/
theorem neg_one_mul (a : R) : Eq (mul (neg one) a) (neg a) :=
  Eq.trans (neg_mul one a) (congrArg neg (one_mul a))

/-- a - b = a + -b -/
theorem sub_eq_add_neg (a b : R) : Eq (sub a b) (add a (neg b)) :=
  Eq.refl (sub a b)

/-- a - a = 0 -/
theorem sub_self (a : R) : Eq (sub a a) zero :=
  add_neg_cancel a

/-- a - 0 = a -/
theorem sub_zero (a : R) : Eq (sub a zero) a :=
  have h1 : Eq (add a (neg zero)) (add a zero) := congrArg (add a) neg_zero
  Eq.trans h1 (add_zero a)

/-- 0 - a = -a -/
theorem zero_sub (a : R) : Eq (sub zero a) (neg a) :=
  zero_add (neg a)

/-- -(a - b) = b - a -/
theorem neg_sub (a b : R) : Eq (neg (sub a b)) (sub b a) :=
  have h1 : Eq (neg (add a (neg b))) (add (neg a) (neg (neg b))) := neg_add a (neg b)
  have h2 : Eq (add (neg a) (neg (neg b))) (add (neg a) b) := congrArg (add (neg a)) (neg_neg b)
  have h3 : Eq (add (neg a) b) (add b (neg a)) := add_comm (neg a) b
  Eq.trans h1 (Eq.trans h2 h3)

/-- a - b + b = a -/
theorem sub_add_cancel (a b : R) : Eq (add (sub a b) b) a :=
  have h1 : Eq (add (add a (neg b)) b) (add a (add (neg b) b)) := add_assoc a (neg b) b
  have h2 : Eq (add a (add (neg b) b)) (add a zero) := congrArg (add a) (neg_add_cancel b)
  Eq.trans h1 (Eq.trans h2 (add_zero a))

/-- a + b - b = a -/
theorem add_sub_cancel_right (a b : R) : Eq (sub (add a b) b) a :=
  have h1 : Eq (add (add a b) (neg b)) (add a (add b (neg b))) := add_assoc a b (neg b)
  have h2 : Eq (add a (add b (neg b))) (add a zero) := congrArg (add a) (add_neg_cancel b)
  Eq.trans h1 (Eq.trans h2 (add_zero a))

/-- a - b - c = a - (b + c) -/
theorem sub_sub (a b c : R) : Eq (sub (sub a b) c) (sub a (add b c)) :=
  have h1 : Eq (add (add a (neg b)) (neg c)) (add a (add (neg b) (neg c))) :=
    add_assoc a (neg b) (neg c)
  have h2 : Eq (add a (add (neg b) (neg c))) (add a (neg (add b c))) :=
    congrArg (add a) (Eq.symm (neg_add b c))
  Eq.trans h1 h2

/-- a + b - c = a + (b - c) -/
theorem add_sub_assoc (a b c : R) : Eq (sub (add a b) c) (add a (sub b c)) :=
  add_assoc a b (neg c)

/-- a * (b - c) = a * b - a * c -/
theorem mul_sub (a b c : R) : Eq (mul a (sub b c)) (sub (mul a b) (mul a c)) :=
  have h1 : Eq (mul a (add b (neg c))) (add (mul a b) (mul a (neg c))) := left_distrib a b (neg c)
  have h2 : Eq (add (mul a b) (mul a (neg c))) (add (mul a b) (neg (mul a c))) :=
    congrArg (add (mul a b)) (mul_neg a c)
  Eq.trans h1 h2

/-- (a - b) * c = a * c - b * c -/
theorem sub_mul (a b c : R) : Eq (mul (sub a b) c) (sub (mul a c) (mul b c)) :=
  have h1 : Eq (mul (add a (neg b)) c) (add (mul a c) (mul (neg b) c)) := right_distrib a (neg b) c
  have h2 : Eq (add (mul a c) (mul (neg b) c)) (add (mul a c) (neg (mul b c))) :=
    congrArg (add (mul a c)) (neg_mul b c)
  Eq.trans h1 h2

/-- a / b = a * b⁻¹ -/
theorem div_eq_mul_inv (a b : R) : Eq (div a b) (mul a (inv b)) :=
  Eq.refl (div a b)

/-- 1⁻¹ = 1 -/
theorem inv_one : Eq (inv one) one :=
  have h1 : Eq (inv one) (mul one (inv one)) := Eq.symm (one_mul (inv one))
  have h2 : Eq (mul one (inv one)) one := mul_inv_cancel one (Ne.symm zero_ne_one)
  Eq.trans h1 h2

/-- a / 1 = a -/
theorem div_one (a : R) : Eq (div a one) a :=
  have h1 : Eq (mul a (inv one)) (mul a one) := congrArg (mul a) inv_one
  Eq.trans h1 (mul_one a)

/-- a / a = 1 when a ≠ 0 -/
theorem div_self (a : R) (h : Ne a zero) : Eq (div a a) one :=
  mul_inv_cancel a h

/-- 0 / a = 0 -/
theorem zero_div (a : R) : Eq (div zero a) zero :=
  zero_mul (inv a)

/-- a / c + b / c = (a + b) / c -/
theorem div_add_div_same (a b c : R) : Eq (add (div a c) (div b c)) (div (add a b) c) :=
  Eq.symm (right_distrib a b (inv c))

/-- a * b / c = a * (b / c) -/
theorem mul_div_assoc (a b c : R) : Eq (div (mul a b) c) (mul a (div b c)) :=
  mul_assoc a b (inv c)

/-- 1 + 1 = 2 -/
theorem one_add_one : Eq (add one one) (bit0 one) :=
  Eq.refl (add one one)

/-- 2 * a = a + a -/
theorem two_mul (a : R) : Eq (mul (bit0 one) a) (add a a) :=
  have h1 : Eq (mul (add one one) a) (add (mul one a) (mul one a)) := right_distrib one one a
  have h2 : Eq (add (mul one a) (mul one a)) (add a a) := congrArg₂ add (one_mul a) (one_mul a)
  Eq.trans h1 h2

/-- (a + b) * (a + b) = a * a + 2 * a * b + b * b -/
theorem add_mul_self_eq (a b : R) :
    Eq (mul (add a b) (add a b)) (add (add (mul a a) (mul (mul (bit0 one) a) b)) (mul b b)) :=
  have h1 : Eq (mul (add a b) (add a b)) (add (mul a (add a b)) (mul b (add a b))) :=
    right_distrib a b (add a b)
  have h2 : Eq (add (mul a (add a b)) (mul b (add a b)))
      (add (add (mul a a) (mul a b)) (add (mul b a) (mul b b))) :=
    congrArg₂ add (left_distrib a a b) (left_distrib b a b)
  have h3 : Eq (add (add (mul a a) (mul a b)) (add (mul b a) (mul b b)))
      (add (add (mul a a) (mul a b)) (add (mul a b) (mul b b))) :=
    congrArg (fun t => add (add (mul a a) (mul a b)) (add t (mul b b))) (mul_comm b a)
  have h4 : Eq (add (add (mul a a) (mul a b)) (add (mul a b) (mul b b)))
      (add (add (add (mul a a) (mul a b)) (mul a b)) (mul b b)) :=
    Eq.symm (add_assoc (add (mul a a) (mul a b)) (mul a b) (mul b b))
  have h5 : Eq (add (add (add (mul a a) (mul a b)) (mul a b)) (mul b b))
      (add (add (mul a a) (add (mul a b) (mul a b))) (mul b b)) :=
    congrArg (fun t => add t (mul b b)) (add_assoc (mul a a) (mul a b) (mul a b))
  have h6 : Eq (mul (mul (bit0 one) a) b) (add (mul a b) (mul a b)) :=
    Eq.trans (congrArg (fun t => mul t b) (two_mul a)) (right_distrib a a b)
  have h7 : Eq (add (add (mul a a) (add (mul a b) (mul a b))) (mul b b))
      (add (add (mul a a) (mul (mul (bit0 one) a) b)) (mul b b)) :=
    congrArg (fun t => add (add (mul a a) t) (mul b b)) (Eq.symm h6)
  Eq.trans h1 (Eq.trans h2 (Eq.trans h3 (Eq.trans h4 (Eq.trans h5 h7))))

/-- a * a - b * b = (a + b) * (a - b) -/
theorem mul_self_sub_mul_self (a b : R) :
    Eq (sub (mul a a) (mul b b)) (mul (add a b) (sub a b)) :=
  have h1 : Eq (mul (add a b) (sub a b)) (add (mul a (sub a b)) (mul b (sub a b))) :=
    right_distrib a b (sub a b)
  have h2 : Eq (add (mul a (add a (neg b))) (mul b (add a (neg b))))
      (add (add (mul a a) (mul a (neg b))) (add (mul b a) (mul b (neg b)))) :=
    congrArg₂ add (left_distrib a a (neg b)) (left_distrib b a (neg b))
  have h3 : Eq (add (add (mul a a) (mul a (neg b))) (add (mul b a) (mul b (neg b))))
      (add (add (mul a a) (neg (mul a b))) (add (mul a b) (neg (mul b b)))) :=
    congrArg₂ (fun p q => add (add (mul a a) p) q) (mul_neg a b)
      (congrArg₂ add (mul_comm b a) (mul_neg b b))
  have h4 : Eq (add (add (mul a a) (neg (mul a b))) (add (mul a b) (neg (mul b b))))
      (add (mul a a) (add (neg (mul a b)) (add (mul a b) (neg (mul b b))))) :=
    add_assoc (mul a a) (neg (mul a b)) (add (mul a b) (neg (mul b b)))
  have h5 : Eq (add (neg (mul a b)) (add (mul a b) (neg (mul b b))))
      (add (add (neg (mul a b)) (mul a b)) (neg (mul b b))) :=
    Eq.symm (add_assoc (neg (mul a b)) (mul a b) (neg (mul b b)))
  have h6 : Eq (add (add (neg (mul a b)) (mul a b)) (neg (mul b b))) (add zero (neg (mul b b))) :=
    congrArg (fun t => add t (neg (mul b b))) (neg_add_cancel (mul a b))
  have h7 : Eq (add zero (neg (mul b b))) (neg (mul b b)) := zero_add (neg (mul b b))
  have h8 : Eq (add (mul a a) (add (neg (mul a b)) (add (mul a b) (neg (mul b b)))))
      (add (mul a a) (neg (mul b b))) :=
    congrArg (add (mul a a)) (Eq.trans h5 (Eq.trans h6 h7))
  Eq.symm (Eq.trans h1 (Eq.trans h2 (Eq.trans h3 (Eq.trans h4 h8))))

/-! Numeral arithmetic on the binary numerals `bit0` and `bit1`. -/

/-- (a + b) + (c + d) = (a + c) + (b + d) -/
theorem add_add_add_comm (a b c d : R) :
    Eq (add (add a b) (add c d)) (add (add a c) (add b d)) :=
  have h1 : Eq (add (add a b) (add c d)) (add a (add b (add c d))) := add_assoc a b (add c d)
  have h2 : Eq (add a (add b (add c d))) (add a (add c (add b d))) :=
    congrArg (add a) (add_left_comm b c d)
  have h3 : Eq (add a (add c (add b d))) (add (add a c) (add b d)) :=
    Eq.symm (add_assoc a c (add b d))
  Eq.trans h1 (Eq.trans h2 h3)

/-- bit0 a * b = bit0 (a * b), i.e. (a + a) * b = a * b + a * b -/
theorem bit0_mul (a b : R) : Eq (mul (bit0 a) b) (bit0 (mul a b)) :=
  right_distrib a a b

/-- bit1 a * b = bit0 (a * b) + b, i.e. (a + a + 1) * b = (a * b + a * b) + b -/
theorem bit1_mul (a b : R) : Eq (mul (bit1 a) b) (add (bit0 (mul a b)) b) :=
  have h1 : Eq (mul (add (add a a) one) b) (add (mul (add a a) b) (mul one b)) :=
    right_distrib (add a a) one b
  have h2 : Eq (add (mul (add a a) b) (mul one b)) (add (bit0 (mul a b)) b) :=
    congrArg₂ add (bit0_mul a b) (one_mul b)
  Eq.trans h1 h2

/-- bit0 a + bit0 b = bit0 (a + b) -/
theorem bit0_add_bit0 (a b : R) : Eq (add (bit0 a) (bit0 b)) (bit0 (add a b)) :=
  add_add_add_comm a a b b

/-- bit0 a + bit1 b = bit1 (a + b) -/
theorem bit0_add_bit1 (a b : R) : Eq (add (bit0 a) (bit1 b)) (bit1 (add a b)) :=
  have h1 : Eq (add (add a a) (add (add b b) one)) (add (add (add a a) (add b b)) one) :=
    Eq.symm (add_assoc (add a a) (add b b) one)
  have h2 : Eq (add (add (add a a) (add b b)) one) (add (add (add a b) (add a b)) one) :=
    congrArg (fun t => add t one) (add_add_add_comm a a b b)
  Eq.trans h1 h2

/-- bit1 a + bit0 b = bit1 (a + b) -/
theorem bit1_add_bit0 (a b : R) : Eq (add (bit1 a) (bit0 b)) (bit1 (add a b)) :=
  have h1 : Eq (add (add (add a a) one) (add b b)) (add (add (add a a) (add b b)) one) :=
    add_right_comm (add a a) one (add b b)
  have h2 : Eq (add (add (add a a) (add b b)) one) (add (add (add a b) (add a b)) one) :=
    congrArg (fun t => add t one) (add_add_add_comm a a b b)
  Eq.trans h1 h2

/-- bit1 a + bit1 b = bit0 (a + b + 1) -/
theorem bit1_add_bit1 (a b : R) : Eq (add (bit1 a) (bit1 b)) (bit0 (add (add a b) one)) :=
  have h1 : Eq (add (add (add a a) one) (add (add b b) one))
      (add (add (add a a) (add b b)) (add one one)) :=
    add_add_add_comm (add a a) one (add b b) one
  have h2 : Eq (add (add (add a a) (add b b)) (add one one))
      (add (add (add a b) (add a b)) (add one one)) :=
    congrArg (fun t => add t (add one one)) (add_add_add_comm a a b b)
  have h3 : Eq (add (add (add a b) (add a b)) (add one one))
      (add (add (add a b) one) (add (add a b) one)) :=
    add_add_add_comm (add a b) (add a b) one one
  Eq.trans h1 (Eq.trans h2 h3)

/-- bit0 a + 1 = bit1 a -/
theorem bit0_add_one (a : R) : Eq (add (bit0 a) one) (bit1 a) :=
  Eq.refl (bit1 a)

/-- 1 + bit0 a = bit1 a -/
theorem one_add_bit0 (a : R) : Eq (add one (bit0 a)) (bit1 a) :=
  add_comm one (bit0 a)

/-- bit1 a + 1 = bit0 (a + 1) -/
theorem bit1_add_one (a : R) : Eq (add (bit1 a) one) (bit0 (add a one)) :=
  have h1 : Eq (add (add (add a a) one) one) (add (add a a) (add one one)) :=
    add_assoc (add a a) one one
  have h2 : Eq (add (add a a) (add one one)) (add (add a one) (add a one)) :=
    add_add_add_comm a a one one
  Eq.trans h1 h2

/-- 1 + bit1 a = bit0 (a + 1) -/
theorem one_add_bit1 (a : R) : Eq (add one (bit1 a)) (bit0 (add a one)) :=
  Eq.trans (add_comm one (bit1 a)) (bit1_add_one a)

/-! Inverses of products (used by the quotient rule in `Calculus.lean`). -/

/-- a⁻¹ * a = 1 when a ≠ 0 -/
theorem inv_mul_cancel (a : R) (h : Ne a zero) : Eq (mul (inv a) a) one :=
  Eq.trans (mul_comm (inv a) a) (mul_inv_cancel a h)

/-- a ≠ 0 when a * b = 1 -/
theorem ne_zero_of_mul_eq_one (a b : R) (h : Eq (mul a b) one) : Ne a zero :=
  fun (h0 : Eq a zero) =>
    have h1 : Eq zero (mul a b) :=
      Eq.trans (Eq.symm (zero_mul b)) (congrArg (fun t => mul t b) (Eq.symm h0))
    zero_ne_one (Eq.trans h1 h)

/-- Uniqueness of the multiplicative inverse: a * b = 1 implies a⁻¹ = b. -/
theorem inv_eq_of_mul_eq_one (a b : R) (h : Eq (mul a b) one) : Eq (inv a) b :=
  have h1 : Eq (inv a) (mul (inv a) one) := Eq.symm (mul_one (inv a))
  have h2 : Eq (mul (inv a) one) (mul (inv a) (mul a b)) := congrArg (mul (inv a)) (Eq.symm h)
  have h3 : Eq (mul (inv a) (mul a b)) (mul (mul (inv a) a) b) := Eq.symm (mul_assoc (inv a) a b)
  have h4 : Eq (mul (mul (inv a) a) b) (mul one b) :=
    congrArg (fun t => mul t b) (inv_mul_cancel a (ne_zero_of_mul_eq_one a b h))
  Eq.trans h1 (Eq.trans h2 (Eq.trans h3 (Eq.trans h4 (one_mul b))))

/-- (a * b)⁻¹ = a⁻¹ * b⁻¹ when a ≠ 0 and b ≠ 0 -/
theorem mul_inv_of_ne_zero (a b : R) (ha : Ne a zero) (hb : Ne b zero) :
    Eq (inv (mul a b)) (mul (inv a) (inv b)) :=
  have h1 : Eq (mul (mul a b) (mul (inv a) (inv b))) (mul a (mul b (mul (inv a) (inv b)))) :=
    mul_assoc a b (mul (inv a) (inv b))
  have h2 : Eq (mul b (mul (inv a) (inv b))) (mul (inv a) (mul b (inv b))) :=
    mul_left_comm b (inv a) (inv b)
  have h3 : Eq (mul (inv a) (mul b (inv b))) (mul (inv a) one) :=
    congrArg (mul (inv a)) (mul_inv_cancel b hb)
  have h4 : Eq (mul a (mul b (mul (inv a) (inv b)))) (mul a (inv a)) :=
    congrArg (mul a) (Eq.trans h2 (Eq.trans h3 (mul_one (inv a))))
  inv_eq_of_mul_eq_one (mul a b) (mul (inv a) (inv b))
    (Eq.trans h1 (Eq.trans h4 (mul_inv_cancel a ha)))

end RpsdgFormal.Field
