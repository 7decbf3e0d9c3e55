/-
  The theory for solving equations by the reverse process, over the field theory of
  `Field.lean`, in prefix syntax for the `prelude`-only embedded kernel.

  It adds to the field a positivity predicate `Pos` with three axioms: `1` is positive, a sum of
  positives is positive, and a positive element is non-zero. That is what makes every positive
  numeral provably non-zero (characteristic zero): `2 ≠ 0` is `pos_ne_zero` applied to a `Pos`
  proof built from `pos_one` and `pos_add`, e.g.
  `pos_ne_zero (bit0 one) (pos_bit0 one pos_one) : Ne (bit0 one) zero`.
  Model: `Pos a` means that `a` is a positive real.

  Beside these, the file proves the cancellation and numeral lemmas the solver's steps use
  (undoing an addition by a subtraction, a multiplication by a division). Every rule the solver
  applies is one of these axioms or a theorem proven here (or in `Field.lean`), and
  `#print axioms` on a generated theorem must list nothing else.
-/
prelude
import RpsdgFormal.Field
set_option autoImplicit false

namespace RpsdgFormal.Field.Equation
open RpsdgFormal RpsdgFormal.Field

/-- Positivity: `Pos a` means 0 < a. -/
axiom Pos : R → Prop
/-- 0 < 1 -/
axiom pos_one : Pos one
/-- 0 < a → 0 < b → 0 < a + b -/
axiom pos_add : ∀ a b : R, Pos a → Pos b → Pos (add a b)
/-- 0 < a → a ≠ 0 -/
axiom pos_ne_zero : ∀ a : R, Pos a → Ne a zero

/-! Positive numerals. -/

/-- 0 < a → 0 < bit0 a, i.e. 0 < a + a -/
theorem pos_bit0 (a : R) (h : Pos a) : Pos (bit0 a) :=
  pos_add a a h h

/-- 0 < a → 0 < bit1 a, i.e. 0 < a + a + 1 -/
theorem pos_bit1 (a : R) (h : Pos a) : Pos (bit1 a) :=
  pos_add (add a a) one (pos_add a a h h) pos_one

/-- a ≠ 0 → -a ≠ 0 -/
theorem neg_ne_zero (a : R) (h : Ne a zero) : Ne (neg a) zero :=
  fun (h0 : Eq (neg a) zero) =>
    have h1 : Eq a (neg (neg a)) := Eq.symm (neg_neg a)
    have h2 : Eq (neg (neg a)) (neg zero) := congrArg neg h0
    h (Eq.trans h1 (Eq.trans h2 neg_zero))

/-! Cancellation. -/

/-- b * a / b = a when b ≠ 0 -/
theorem mul_div_cancel_left (a b : R) (h : Ne b zero) : Eq (div (mul b a) b) a :=
  have h1 : Eq (mul (mul b a) (inv b)) (mul (mul a b) (inv b)) :=
    congrArg (fun t => mul t (inv b)) (mul_comm b a)
  have h2 : Eq (mul (mul a b) (inv b)) (mul a (mul b (inv b))) := mul_assoc a b (inv b)
  have h3 : Eq (mul a (mul b (inv b))) (mul a one) := congrArg (mul a) (mul_inv_cancel b h)
  Eq.trans h1 (Eq.trans h2 (Eq.trans h3 (mul_one a)))

/-- a / b * b = a when b ≠ 0 -/
theorem div_mul_cancel (a b : R) (h : Ne b zero) : Eq (mul (div a b) b) a :=
  have h1 : Eq (mul (mul a (inv b)) b) (mul a (mul (inv b) b)) := mul_assoc a (inv b) b
  have h2 : Eq (mul a (mul (inv b) b)) (mul a one) := congrArg (mul a) (inv_mul_cancel b h)
  Eq.trans h1 (Eq.trans h2 (mul_one a))

/-- a * b / b = a when b ≠ 0 -/
theorem mul_div_cancel_right (a b : R) (h : Ne b zero) : Eq (div (mul a b) b) a :=
  have h1 : Eq (mul (mul a b) (inv b)) (mul a (mul b (inv b))) := mul_assoc a b (inv b)
  have h2 : Eq (mul a (mul b (inv b))) (mul a one) := congrArg (mul a) (mul_inv_cancel b h)
  Eq.trans h1 (Eq.trans h2 (mul_one a))

/-- b + a - b = a -/
theorem sub_add_cancel_left (a b : R) : Eq (sub (add b a) b) a :=
  have h1 : Eq (sub (add b a) b) (sub (add a b) b) := congrArg (fun t => sub t b) (add_comm b a)
  Eq.trans h1 (add_sub_cancel_right a b)

/-! Solving steps: undoing an operation on both sides. -/

/-- c + b = a → a - b = c -/
theorem sub_eq_of_add_eq (a b c : R) (h : Eq (add c b) a) : Eq (sub a b) c :=
  have h1 : Eq (sub a b) (sub (add c b) b) := congrArg (fun t => sub t b) (Eq.symm h)
  Eq.trans h1 (add_sub_cancel_right c b)

/-- a + c = b → a - b = -c -/
theorem sub_eq_neg_of_add_eq (a b c : R) (h : Eq (add a c) b) : Eq (sub a b) (neg c) :=
  have h1 : Eq (add a (neg b)) (add a (neg (add a c))) :=
    congrArg (fun t => add a (neg t)) (Eq.symm h)
  have h2 : Eq (add a (neg (add a c))) (add a (add (neg a) (neg c))) :=
    congrArg (add a) (neg_add a c)
  have h3 : Eq (add a (add (neg a) (neg c))) (add (add a (neg a)) (neg c)) :=
    Eq.symm (add_assoc a (neg a) (neg c))
  have h4 : Eq (add (add a (neg a)) (neg c)) (add zero (neg c)) :=
    congrArg (fun t => add t (neg c)) (add_neg_cancel a)
  Eq.trans h1 (Eq.trans h2 (Eq.trans h3 (Eq.trans h4 (zero_add (neg c)))))

/-- b ≠ 0 → b * c = a → a / b = c -/
theorem div_eq_of_mul_eq (a b c : R) (hb : Ne b zero) (h : Eq (mul b c) a) : Eq (div a b) c :=
  have h1 : Eq (div a b) (div (mul b c) b) := congrArg (fun t => div t b) (Eq.symm h)
  Eq.trans h1 (mul_div_cancel_left c b hb)

/-! Cancelling a common summand on both sides of a difference. -/

/-- (a + c) - (b + c) = a - b -/
theorem add_sub_add_right_eq_sub (a b c : R) : Eq (sub (add a c) (add b c)) (sub a b) :=
  have h1 : Eq (add (add a c) (neg (add b c))) (add (add a c) (add (neg b) (neg c))) :=
    congrArg (add (add a c)) (neg_add b c)
  have h2 : Eq (add (add a c) (add (neg b) (neg c))) (add (add a (neg b)) (add c (neg c))) :=
    add_add_add_comm a c (neg b) (neg c)
  have h3 : Eq (add (add a (neg b)) (add c (neg c))) (add (add a (neg b)) zero) :=
    congrArg (add (add a (neg b))) (add_neg_cancel c)
  have h4 : Eq (add (add a (neg b)) zero) (add a (neg b)) := add_zero (add a (neg b))
  Eq.trans h1 (Eq.trans h2 (Eq.trans h3 h4))

/-- (c + a) - (c + b) = a - b -/
theorem add_sub_add_left_eq_sub (a b c : R) : Eq (sub (add c a) (add c b)) (sub a b) :=
  have h1 : Eq (sub (add c a) (add c b)) (sub (add a c) (add b c)) :=
    congrArg₂ sub (add_comm c a) (add_comm c b)
  Eq.trans h1 (add_sub_add_right_eq_sub a b c)

end RpsdgFormal.Field.Equation
