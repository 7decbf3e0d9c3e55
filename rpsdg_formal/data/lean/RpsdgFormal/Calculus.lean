/-
  A differential field over the field theory of `Field.lean`, in prefix syntax for the
  `prelude`-only embedded kernel.

  Signature: a derivation `D : R → R` (additive, Leibniz rule), a distinguished element `X`
  (the variable, with `D X = 1`), and function symbols `exp`, `sin`, `cos`, `log` whose chain
  rules are axioms (`D (sin a) = cos a * D a`, ...; the rule for `log a` needs `a ≠ 0`).
  Powers `pow2 .. pow6` are definitions (`pow2 a := a * a`, `pow (n+1) a := pow n a * a`), so
  the laws that unfold them are proven by `Eq.refl` or associativity.

  The rules for constants, negation, subtraction, inverses, quotients and powers are theorems
  proven here from the derivation axioms and the field axioms. Every rule in
  `rules/calculus.yaml` is one of these axioms or a theorem proven here (or in `Field.lean`),
  and `#print axioms` on a generated theorem must list nothing else.
-/
prelude
import RpsdgFormal.Field
set_option autoImplicit false

namespace RpsdgFormal.Field.Calculus
open RpsdgFormal RpsdgFormal.Field

axiom D : R → R
axiom X : R
axiom exp : R → R
axiom sin : R → R
axiom cos : R → R
axiom log : R → R

axiom D_add : ∀ a b : R, Eq (D (add a b)) (add (D a) (D b))
axiom D_mul : ∀ a b : R, Eq (D (mul a b)) (add (mul (D a) b) (mul a (D b)))
axiom D_X : Eq (D X) one
axiom D_exp : ∀ a : R, Eq (D (exp a)) (mul (exp a) (D a))
axiom D_sin : ∀ a : R, Eq (D (sin a)) (mul (cos a) (D a))
axiom D_cos : ∀ a : R, Eq (D (cos a)) (neg (mul (sin a) (D a)))
axiom D_log : ∀ a : R, Ne a zero → Eq (D (log a)) (div (D a) a)

noncomputable def pow2 (a : R) : R := mul a a
noncomputable def pow3 (a : R) : R := mul (pow2 a) a
noncomputable def pow4 (a : R) : R := mul (pow3 a) a
noncomputable def pow5 (a : R) : R := mul (pow4 a) a
noncomputable def pow6 (a : R) : R := mul (pow5 a) a

/-! Small algebraic helpers. -/

/-- a + -b = a - b -/
theorem add_neg_eq_sub (a b : R) : Eq (add a (neg b)) (sub a b) :=
  Eq.refl (sub a b)

/-- -a / b = -(a / b) -/
theorem neg_div (a b : R) : Eq (div (neg a) b) (neg (div a b)) :=
  neg_mul a (inv b)

/-- a * b * c * d = a * (b * d) * c -/
theorem mul_mul_mul_right_comm (a b c d : R) :
    Eq (mul (mul (mul a b) c) d) (mul (mul a (mul b d)) c) :=
  Eq.trans (mul_right_comm (mul a b) c d) (congrArg (fun t => mul t c) (mul_assoc a b d))

/-- c * q * e + q * e = (c + 1) * q * e -/
theorem mul_mul_add_mul (c q e : R) :
    Eq (add (mul (mul c q) e) (mul q e)) (mul (mul (add c one) q) e) :=
  have h1 : Eq (mul (mul (add c one) q) e) (mul (add (mul c q) (mul one q)) e) :=
    congrArg (fun t => mul t e) (right_distrib c one q)
  have h2 : Eq (mul (add (mul c q) (mul one q)) e) (mul (add (mul c q) q) e) :=
    congrArg (fun t => mul (add (mul c q) t) e) (one_mul q)
  have h3 : Eq (mul (add (mul c q) q) e) (add (mul (mul c q) e) (mul q e)) :=
    right_distrib (mul c q) q e
  Eq.symm (Eq.trans h1 (Eq.trans h2 h3))

/-! Derivatives of constants. -/

/-- D 0 = 0 -/
theorem D_zero : Eq (D zero) zero :=
  have h1 : Eq (add (D zero) (D zero)) (D (add zero zero)) := Eq.symm (D_add zero zero)
  have h2 : Eq (D (add zero zero)) (D zero) := congrArg D (zero_add zero)
  have h3 : Eq (D zero) (add (D zero) zero) := Eq.symm (add_zero (D zero))
  add_left_cancel (D zero) (D zero) zero (Eq.trans h1 (Eq.trans h2 h3))

/-- D 1 = 0 -/
theorem D_one : Eq (D one) zero :=
  have h1 : Eq (add (D one) (D one)) (add (mul (D one) one) (mul one (D one))) :=
    Eq.symm (congrArg₂ add (mul_one (D one)) (one_mul (D one)))
  have h2 : Eq (add (mul (D one) one) (mul one (D one))) (D (mul one one)) :=
    Eq.symm (D_mul one one)
  have h3 : Eq (D (mul one one)) (D one) := congrArg D (one_mul one)
  have h4 : Eq (D one) (add (D one) zero) := Eq.symm (add_zero (D one))
  add_left_cancel (D one) (D one) zero (Eq.trans h1 (Eq.trans h2 (Eq.trans h3 h4)))

/-- D a = 0 implies D (bit0 a) = 0 -/
theorem D_bit0 (a : R) (h : Eq (D a) zero) : Eq (D (bit0 a)) zero :=
  have h1 : Eq (D (add a a)) (add (D a) (D a)) := D_add a a
  have h2 : Eq (add (D a) (D a)) (add zero zero) := congrArg₂ add h h
  Eq.trans h1 (Eq.trans h2 (zero_add zero))

/-- D a = 0 implies D (bit1 a) = 0 -/
theorem D_bit1 (a : R) (h : Eq (D a) zero) : Eq (D (bit1 a)) zero :=
  have h1 : Eq (D (add (bit0 a) one)) (add (D (bit0 a)) (D one)) := D_add (bit0 a) one
  have h2 : Eq (add (D (bit0 a)) (D one)) (add zero zero) := congrArg₂ add (D_bit0 a h) D_one
  Eq.trans h1 (Eq.trans h2 (zero_add zero))

/-! Negation, subtraction, inverse, quotient. -/

/-- D (-a) = -(D a) -/
theorem D_neg (a : R) : Eq (D (neg a)) (neg (D a)) :=
  have h1 : Eq (add (D a) (D (neg a))) (D (add a (neg a))) := Eq.symm (D_add a (neg a))
  have h2 : Eq (D (add a (neg a))) (D zero) := congrArg D (add_neg_cancel a)
  Eq.symm (neg_eq_of_add_eq_zero (D a) (D (neg a)) (Eq.trans h1 (Eq.trans h2 D_zero)))

/-- D (a - b) = D a - D b -/
theorem D_sub (a b : R) : Eq (D (sub a b)) (sub (D a) (D b)) :=
  have h1 : Eq (D (add a (neg b))) (add (D a) (D (neg b))) := D_add a (neg b)
  have h2 : Eq (add (D a) (D (neg b))) (add (D a) (neg (D b))) := congrArg (add (D a)) (D_neg b)
  Eq.trans h1 h2

/-- D (a⁻¹) = -(D a / a²) when a ≠ 0 -/
theorem D_inv (a : R) (h : Ne a zero) : Eq (D (inv a)) (neg (div (D a) (pow2 a))) :=
  have h1 : Eq (add (mul (D a) (inv a)) (mul a (D (inv a)))) (D (mul a (inv a))) :=
    Eq.symm (D_mul a (inv a))
  have h2 : Eq (D (mul a (inv a))) (D one) := congrArg D (mul_inv_cancel a h)
  have h3 : Eq (neg (mul (D a) (inv a))) (mul a (D (inv a))) :=
    neg_eq_of_add_eq_zero (mul (D a) (inv a)) (mul a (D (inv a)))
      (Eq.trans h1 (Eq.trans h2 D_one))
  have h4 : Eq (D (inv a)) (mul (mul (inv a) a) (D (inv a))) :=
    Eq.trans (Eq.symm (one_mul (D (inv a))))
      (congrArg (fun t => mul t (D (inv a))) (Eq.symm (inv_mul_cancel a h)))
  have h5 : Eq (mul (mul (inv a) a) (D (inv a))) (mul (inv a) (mul a (D (inv a)))) :=
    mul_assoc (inv a) a (D (inv a))
  have h6 : Eq (mul (inv a) (mul a (D (inv a)))) (mul (inv a) (neg (mul (D a) (inv a)))) :=
    congrArg (mul (inv a)) (Eq.symm h3)
  have h7 : Eq (mul (inv a) (neg (mul (D a) (inv a)))) (neg (mul (inv a) (mul (D a) (inv a)))) :=
    mul_neg (inv a) (mul (D a) (inv a))
  have h8 : Eq (mul (inv a) (mul (D a) (inv a))) (mul (D a) (mul (inv a) (inv a))) :=
    mul_left_comm (inv a) (D a) (inv a)
  have h9 : Eq (mul (D a) (mul (inv a) (inv a))) (mul (D a) (inv (mul a a))) :=
    congrArg (mul (D a)) (Eq.symm (mul_inv_of_ne_zero a a h h))
  Eq.trans h4 (Eq.trans h5 (Eq.trans h6 (Eq.trans h7 (congrArg neg (Eq.trans h8 h9)))))

/-- D (a / b) = (D a * b - a * D b) / b² when b ≠ 0 -/
theorem D_div (a b : R) (h : Ne b zero) :
    Eq (D (div a b)) (div (sub (mul (D a) b) (mul a (D b))) (pow2 b)) :=
  have h1 : Eq (D (mul a (inv b))) (add (mul (D a) (inv b)) (mul a (D (inv b)))) :=
    D_mul a (inv b)
  have p1 : Eq (mul (D a) (inv b)) (mul (D a) (mul one (inv b))) :=
    congrArg (mul (D a)) (Eq.symm (one_mul (inv b)))
  have p2 : Eq (mul (D a) (mul one (inv b))) (mul (D a) (mul (mul b (inv b)) (inv b))) :=
    congrArg (fun t => mul (D a) (mul t (inv b))) (Eq.symm (mul_inv_cancel b h))
  have p3 : Eq (mul (D a) (mul (mul b (inv b)) (inv b))) (mul (D a) (mul b (mul (inv b) (inv b)))) :=
    congrArg (mul (D a)) (mul_assoc b (inv b) (inv b))
  have p4 : Eq (mul (D a) (mul b (mul (inv b) (inv b)))) (mul (mul (D a) b) (mul (inv b) (inv b))) :=
    Eq.symm (mul_assoc (D a) b (mul (inv b) (inv b)))
  have p5 : Eq (mul (mul (D a) b) (mul (inv b) (inv b))) (mul (mul (D a) b) (inv (mul b b))) :=
    congrArg (mul (mul (D a) b)) (Eq.symm (mul_inv_of_ne_zero b b h h))
  have q1 : Eq (mul a (D (inv b))) (mul a (neg (mul (D b) (inv (mul b b))))) :=
    congrArg (mul a) (D_inv b h)
  have q2 : Eq (mul a (neg (mul (D b) (inv (mul b b))))) (neg (mul a (mul (D b) (inv (mul b b))))) :=
    mul_neg a (mul (D b) (inv (mul b b)))
  have q3 : Eq (neg (mul a (mul (D b) (inv (mul b b))))) (neg (mul (mul a (D b)) (inv (mul b b)))) :=
    congrArg neg (Eq.symm (mul_assoc a (D b) (inv (mul b b))))
  have h2 : Eq (add (mul (D a) (inv b)) (mul a (D (inv b))))
      (add (mul (mul (D a) b) (inv (mul b b))) (neg (mul (mul a (D b)) (inv (mul b b))))) :=
    congrArg₂ add (Eq.trans p1 (Eq.trans p2 (Eq.trans p3 (Eq.trans p4 p5))))
      (Eq.trans q1 (Eq.trans q2 q3))
  have h3 : Eq (sub (mul (mul (D a) b) (inv (mul b b))) (mul (mul a (D b)) (inv (mul b b))))
      (mul (sub (mul (D a) b) (mul a (D b))) (inv (mul b b))) :=
    Eq.symm (sub_mul (mul (D a) b) (mul a (D b)) (inv (mul b b)))
  Eq.trans h1 (Eq.trans h2 h3)

/-! Powers. -/

/-- D (a²) = 2 * a * D a -/
theorem D_pow2 (a : R) : Eq (D (pow2 a)) (mul (mul (bit0 one) a) (D a)) :=
  have h1 : Eq (D (mul a a)) (add (mul (D a) a) (mul a (D a))) := D_mul a a
  have h2 : Eq (mul (D a) a) (mul (mul one a) (D a)) :=
    Eq.trans (mul_comm (D a) a) (congrArg (fun t => mul t (D a)) (Eq.symm (one_mul a)))
  have h3 : Eq (add (mul (D a) a) (mul a (D a))) (add (mul (mul one a) (D a)) (mul a (D a))) :=
    congrArg (fun t => add t (mul a (D a))) h2
  Eq.trans h1 (Eq.trans h3 (mul_mul_add_mul one a (D a)))

/-- D (a³) = 3 * a² * D a -/
theorem D_pow3 (a : R) : Eq (D (pow3 a)) (mul (mul (bit1 one) (pow2 a)) (D a)) :=
  have h1 : Eq (D (mul (pow2 a) a)) (add (mul (D (pow2 a)) a) (mul (pow2 a) (D a))) :=
    D_mul (pow2 a) a
  have h2 : Eq (add (mul (D (pow2 a)) a) (mul (pow2 a) (D a)))
      (add (mul (mul (mul (bit0 one) a) (D a)) a) (mul (pow2 a) (D a))) :=
    congrArg (fun t => add (mul t a) (mul (pow2 a) (D a))) (D_pow2 a)
  have h3 : Eq (add (mul (mul (mul (bit0 one) a) (D a)) a) (mul (pow2 a) (D a)))
      (add (mul (mul (bit0 one) (pow2 a)) (D a)) (mul (pow2 a) (D a))) :=
    congrArg (fun t => add t (mul (pow2 a) (D a))) (mul_mul_mul_right_comm (bit0 one) a (D a) a)
  have h4 : Eq (add (mul (mul (bit0 one) (pow2 a)) (D a)) (mul (pow2 a) (D a)))
      (mul (mul (add (bit0 one) one) (pow2 a)) (D a)) :=
    mul_mul_add_mul (bit0 one) (pow2 a) (D a)
  have h5 : Eq (mul (mul (add (bit0 one) one) (pow2 a)) (D a)) (mul (mul (bit1 one) (pow2 a)) (D a)) :=
    congrArg (fun t => mul (mul t (pow2 a)) (D a)) (bit0_add_one one)
  Eq.trans h1 (Eq.trans h2 (Eq.trans h3 (Eq.trans h4 h5)))

/-- D (a⁴) = 4 * a³ * D a -/
theorem D_pow4 (a : R) : Eq (D (pow4 a)) (mul (mul (bit0 (bit0 one)) (pow3 a)) (D a)) :=
  have h1 : Eq (D (mul (pow3 a) a)) (add (mul (D (pow3 a)) a) (mul (pow3 a) (D a))) :=
    D_mul (pow3 a) a
  have h2 : Eq (add (mul (D (pow3 a)) a) (mul (pow3 a) (D a)))
      (add (mul (mul (mul (bit1 one) (pow2 a)) (D a)) a) (mul (pow3 a) (D a))) :=
    congrArg (fun t => add (mul t a) (mul (pow3 a) (D a))) (D_pow3 a)
  have h3 : Eq (add (mul (mul (mul (bit1 one) (pow2 a)) (D a)) a) (mul (pow3 a) (D a)))
      (add (mul (mul (bit1 one) (pow3 a)) (D a)) (mul (pow3 a) (D a))) :=
    congrArg (fun t => add t (mul (pow3 a) (D a)))
      (mul_mul_mul_right_comm (bit1 one) (pow2 a) (D a) a)
  have h4 : Eq (add (mul (mul (bit1 one) (pow3 a)) (D a)) (mul (pow3 a) (D a)))
      (mul (mul (add (bit1 one) one) (pow3 a)) (D a)) :=
    mul_mul_add_mul (bit1 one) (pow3 a) (D a)
  have h5 : Eq (mul (mul (add (bit1 one) one) (pow3 a)) (D a))
      (mul (mul (bit0 (bit0 one)) (pow3 a)) (D a)) :=
    congrArg (fun t => mul (mul t (pow3 a)) (D a)) (bit1_add_one one)
  Eq.trans h1 (Eq.trans h2 (Eq.trans h3 (Eq.trans h4 h5)))

/-- D (a⁵) = 5 * a⁴ * D a -/
theorem D_pow5 (a : R) : Eq (D (pow5 a)) (mul (mul (bit1 (bit0 one)) (pow4 a)) (D a)) :=
  have h1 : Eq (D (mul (pow4 a) a)) (add (mul (D (pow4 a)) a) (mul (pow4 a) (D a))) :=
    D_mul (pow4 a) a
  have h2 : Eq (add (mul (D (pow4 a)) a) (mul (pow4 a) (D a)))
      (add (mul (mul (mul (bit0 (bit0 one)) (pow3 a)) (D a)) a) (mul (pow4 a) (D a))) :=
    congrArg (fun t => add (mul t a) (mul (pow4 a) (D a))) (D_pow4 a)
  have h3 : Eq (add (mul (mul (mul (bit0 (bit0 one)) (pow3 a)) (D a)) a) (mul (pow4 a) (D a)))
      (add (mul (mul (bit0 (bit0 one)) (pow4 a)) (D a)) (mul (pow4 a) (D a))) :=
    congrArg (fun t => add t (mul (pow4 a) (D a)))
      (mul_mul_mul_right_comm (bit0 (bit0 one)) (pow3 a) (D a) a)
  have h4 : Eq (add (mul (mul (bit0 (bit0 one)) (pow4 a)) (D a)) (mul (pow4 a) (D a)))
      (mul (mul (add (bit0 (bit0 one)) one) (pow4 a)) (D a)) :=
    mul_mul_add_mul (bit0 (bit0 one)) (pow4 a) (D a)
  have h5 : Eq (mul (mul (add (bit0 (bit0 one)) one) (pow4 a)) (D a))
      (mul (mul (bit1 (bit0 one)) (pow4 a)) (D a)) :=
    congrArg (fun t => mul (mul t (pow4 a)) (D a)) (bit0_add_one (bit0 one))
  Eq.trans h1 (Eq.trans h2 (Eq.trans h3 (Eq.trans h4 h5)))

/-- D (a⁶) = 6 * a⁵ * D a -/
theorem D_pow6 (a : R) : Eq (D (pow6 a)) (mul (mul (bit0 (bit1 one)) (pow5 a)) (D a)) :=
  have h1 : Eq (D (mul (pow5 a) a)) (add (mul (D (pow5 a)) a) (mul (pow5 a) (D a))) :=
    D_mul (pow5 a) a
  have h2 : Eq (add (mul (D (pow5 a)) a) (mul (pow5 a) (D a)))
      (add (mul (mul (mul (bit1 (bit0 one)) (pow4 a)) (D a)) a) (mul (pow5 a) (D a))) :=
    congrArg (fun t => add (mul t a) (mul (pow5 a) (D a))) (D_pow5 a)
  have h3 : Eq (add (mul (mul (mul (bit1 (bit0 one)) (pow4 a)) (D a)) a) (mul (pow5 a) (D a)))
      (add (mul (mul (bit1 (bit0 one)) (pow5 a)) (D a)) (mul (pow5 a) (D a))) :=
    congrArg (fun t => add t (mul (pow5 a) (D a)))
      (mul_mul_mul_right_comm (bit1 (bit0 one)) (pow4 a) (D a) a)
  have h4 : Eq (add (mul (mul (bit1 (bit0 one)) (pow5 a)) (D a)) (mul (pow5 a) (D a)))
      (mul (mul (add (bit1 (bit0 one)) one) (pow5 a)) (D a)) :=
    mul_mul_add_mul (bit1 (bit0 one)) (pow5 a) (D a)
  have h5 : Eq (mul (mul (add (bit1 (bit0 one)) one) (pow5 a)) (D a))
      (mul (mul (bit0 (bit1 one)) (pow5 a)) (D a)) :=
    congrArg (fun t => mul (mul t (pow5 a)) (D a)) (bit1_add_one (bit0 one))
  Eq.trans h1 (Eq.trans h2 (Eq.trans h3 (Eq.trans h4 h5)))

/-! Merging products of powers. -/

/-- a * a = a² -/
theorem mul_self (a : R) : Eq (mul a a) (pow2 a) :=
  Eq.refl (pow2 a)

/-- a * a² = a³ -/
theorem self_mul_pow2 (a : R) : Eq (mul a (pow2 a)) (pow3 a) :=
  mul_comm a (pow2 a)

/-- a * a³ = a⁴ -/
theorem self_mul_pow3 (a : R) : Eq (mul a (pow3 a)) (pow4 a) :=
  mul_comm a (pow3 a)

/-- a * a⁴ = a⁵ -/
theorem self_mul_pow4 (a : R) : Eq (mul a (pow4 a)) (pow5 a) :=
  mul_comm a (pow4 a)

/-- a * a⁵ = a⁶ -/
theorem self_mul_pow5 (a : R) : Eq (mul a (pow5 a)) (pow6 a) :=
  mul_comm a (pow5 a)

/-- a² * a = a³ -/
theorem pow2_mul_self (a : R) : Eq (mul (pow2 a) a) (pow3 a) :=
  Eq.refl (pow3 a)

/-- a³ * a = a⁴ -/
theorem pow3_mul_self (a : R) : Eq (mul (pow3 a) a) (pow4 a) :=
  Eq.refl (pow4 a)

/-- a⁴ * a = a⁵ -/
theorem pow4_mul_self (a : R) : Eq (mul (pow4 a) a) (pow5 a) :=
  Eq.refl (pow5 a)

/-- a⁵ * a = a⁶ -/
theorem pow5_mul_self (a : R) : Eq (mul (pow5 a) a) (pow6 a) :=
  Eq.refl (pow6 a)

/-- a² * a² = a⁴ -/
theorem pow2_mul_pow2 (a : R) : Eq (mul (pow2 a) (pow2 a)) (pow4 a) :=
  Eq.symm (mul_assoc (pow2 a) a a)

/-- a³ * a² = a⁵ -/
theorem pow3_mul_pow2 (a : R) : Eq (mul (pow3 a) (pow2 a)) (pow5 a) :=
  Eq.symm (mul_assoc (pow3 a) a a)

/-- a² * a³ = a⁵ -/
theorem pow2_mul_pow3 (a : R) : Eq (mul (pow2 a) (pow3 a)) (pow5 a) :=
  Eq.trans (mul_comm (pow2 a) (pow3 a)) (pow3_mul_pow2 a)

/-- a⁴ * a² = a⁶ -/
theorem pow4_mul_pow2 (a : R) : Eq (mul (pow4 a) (pow2 a)) (pow6 a) :=
  Eq.symm (mul_assoc (pow4 a) a a)

/-- a² * a⁴ = a⁶ -/
theorem pow2_mul_pow4 (a : R) : Eq (mul (pow2 a) (pow4 a)) (pow6 a) :=
  Eq.trans (mul_comm (pow2 a) (pow4 a)) (pow4_mul_pow2 a)

/-- a³ * a³ = a⁶ -/
theorem pow3_mul_pow3 (a : R) : Eq (mul (pow3 a) (pow3 a)) (pow6 a) :=
  have h1 : Eq (mul (pow3 a) (mul (pow2 a) a)) (mul (mul (pow3 a) (pow2 a)) a) :=
    Eq.symm (mul_assoc (pow3 a) (pow2 a) a)
  Eq.trans h1 (congrArg (fun t => mul t a) (pow3_mul_pow2 a))

/-! Normal-form helpers: a double negative, and powers of powers. -/

/-- a - -b = a + b -/
theorem sub_neg_eq_add (a b : R) : Eq (sub a (neg b)) (add a b) :=
  congrArg (fun t => add a t) (neg_neg b)

/-- (a²)² = a⁴ -/
theorem pow2_of_pow2 (a : R) : Eq (pow2 (pow2 a)) (pow4 a) :=
  pow2_mul_pow2 a

/-- (a³)² = a⁶ -/
theorem pow2_of_pow3 (a : R) : Eq (pow2 (pow3 a)) (pow6 a) :=
  pow3_mul_pow3 a

/-- (a²)³ = a⁶ -/
theorem pow3_of_pow2 (a : R) : Eq (pow3 (pow2 a)) (pow6 a) :=
  Eq.trans (congrArg (fun t => mul t (pow2 a)) (pow2_mul_pow2 a)) (pow4_mul_pow2 a)

/-- a + b - a = b -/
theorem add_sub_cancel_left (a b : R) : Eq (sub (add a b) a) b :=
  Eq.trans (congrArg (fun t => sub t a) (add_comm a b)) (add_sub_cancel_right b a)

/-- a - (a + b) = -b -/
theorem sub_self_add (a b : R) : Eq (sub a (add a b)) (neg b) :=
  have h1 : Eq (add a (neg (add a b))) (add a (add (neg a) (neg b))) :=
    congrArg (fun t => add a t) (neg_add a b)
  have h2 : Eq (add a (add (neg a) (neg b))) (add (add a (neg a)) (neg b)) :=
    Eq.symm (add_assoc a (neg a) (neg b))
  have h3 : Eq (add (add a (neg a)) (neg b)) (add zero (neg b)) :=
    congrArg (fun t => add t (neg b)) (add_neg_cancel a)
  Eq.trans h1 (Eq.trans h2 (Eq.trans h3 (zero_add (neg b))))

/-- a - (a - b) = b -/
theorem sub_sub_self_left (a b : R) : Eq (sub a (sub a b)) b :=
  Eq.trans (sub_self_add a (neg b)) (neg_neg b)

/-- a - (b + a) = -b -/
theorem sub_add_self_right (a b : R) : Eq (sub a (add b a)) (neg b) :=
  Eq.trans (congrArg (fun t => sub a t) (add_comm b a)) (sub_self_add a b)

/-- -a + (a + b) = b -/
theorem neg_add_cancel_left (a b : R) : Eq (add (neg a) (add a b)) b :=
  have h1 : Eq (add (neg a) (add a b)) (add (add (neg a) a) b) := Eq.symm (add_assoc (neg a) a b)
  have h2 : Eq (add (add (neg a) a) b) (add zero b) :=
    congrArg (fun t => add t b) (neg_add_cancel a)
  Eq.trans h1 (Eq.trans h2 (zero_add b))

/-- a + (b - a) = b -/
theorem add_sub_cancel_mid (a b : R) : Eq (add a (sub b a)) b :=
  have h1 : Eq (add a (add b (neg a))) (add a (add (neg a) b)) :=
    congrArg (fun t => add a t) (add_comm b (neg a))
  have h2 : Eq (add a (add (neg a) b)) (add (add a (neg a)) b) := Eq.symm (add_assoc a (neg a) b)
  have h3 : Eq (add (add a (neg a)) b) (add zero b) :=
    congrArg (fun t => add t b) (add_neg_cancel a)
  Eq.trans h1 (Eq.trans h2 (Eq.trans h3 (zero_add b)))

/-- a - b - a = -b -/
theorem sub_sub_self (a b : R) : Eq (sub (sub a b) a) (neg b) :=
  have h1 : Eq (add (add a (neg b)) (neg a)) (add (add a (neg a)) (neg b)) :=
    add_right_comm a (neg b) (neg a)
  have h2 : Eq (add (add a (neg a)) (neg b)) (add zero (neg b)) :=
    congrArg (fun t => add t (neg b)) (add_neg_cancel a)
  Eq.trans h1 (Eq.trans h2 (zero_add (neg b)))

/-! Combining fractions. -/

/-- a * (b / c) = a * b / c -/
theorem mul_div_assoc_rev (a b c : R) : Eq (mul a (div b c)) (div (mul a b) c) :=
  Eq.symm (mul_div_assoc a b c)

/-- a / b * c = a * c / b -/
theorem div_mul_eq_mul_div (a b c : R) : Eq (mul (div a b) c) (div (mul a c) b) :=
  mul_right_comm a (inv b) c

/-- a * b / b = a, where b ≠ 0 -/
theorem mul_div_cancel_right (a b : R) (h : Ne b zero) : Eq (div (mul a b) b) a :=
  Eq.trans (mul_assoc a b (inv b))
    (Eq.trans (congrArg (fun t => mul a t) (mul_inv_cancel b h)) (mul_one a))

/-- b * a / b = a, where b ≠ 0 -/
theorem mul_div_cancel_left (a b : R) (h : Ne b zero) : Eq (div (mul b a) b) a :=
  Eq.trans (congrArg (fun t => div t b) (mul_comm b a)) (mul_div_cancel_right a b h)

end RpsdgFormal.Field.Calculus
