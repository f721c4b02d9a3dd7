//! KEDA's `scalingModifiers`: a formula over the triggers' values that replaces them with one composite metric.
//!
//! KEDA evaluates the formula with the expr language (github.com/expr-lang/expr). [`Formula`] reads and evaluates
//! the part of that language a scaling formula uses: numbers, `true`/`false`/`nil`, trigger names, arithmetic
//! (`+ - * / % ** ^`), comparisons, `&&`/`||`/`!` and their word forms, `cond ? a : b`, `a ?? b`,
//! `let name = value; body`, array literals, and the builtins `float`, `int`, `abs`, `ceil`, `floor`, `round`,
//! `max`, `min`, `sum`, `mean`, `len`, and `all`, `any`, `none`, `one`, `count`, `filter`, `map` with a
//! `{ … # … }` predicate. Operator precedence and the int/float rules follow expr's (`parser/operator`): an
//! integer stays an integer under `+ - * %`, `/` and `**` always give a float, and `??` binds tightest.
//!
//! The KEDA functions around it mirror `pkg/scaling/modifiers/formula.go` (the evaluation) and the admission
//! checks of `apis/keda/v1alpha1/scaledobject_webhook.go` (compiling the formula with every named trigger set to
//! -1).

use std::collections::BTreeMap;
use std::fmt;

use super::keda::{Fallback, FallbackBehavior, MetricHealth, MetricType, go_int64};
use super::versions::KedaVersion;

// ---------------------------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------------------------

/// A value of the formula language.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `nil`: a trigger past its failure threshold under the `scalingModifiers` fallback behavior.
    Nil,
    /// A boolean.
    Bool(bool),
    /// An integer literal or an integer result.
    Int(i64),
    /// A float: every trigger value.
    Float(f64),
    /// An array literal or the result of `filter`/`map`.
    Array(Vec<Value>),
}

impl Value {
    fn type_name(&self) -> &'static str {
        match self {
            Value::Nil => "nil",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float64",
            Value::Array(_) => "array",
        }
    }

    /// The value as a float, when it is a number.
    #[must_use]
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(value) => Some(int_to_f64(*value)),
            Value::Float(value) => Some(*value),
            _ => None,
        }
    }
}

#[allow(
    clippy::cast_precision_loss,
    reason = "expr converts int to float64 the same way"
)]
fn int_to_f64(value: i64) -> f64 {
    value as f64
}

/// Why a formula could not be read or evaluated.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FormulaError {
    /// The text is not an expression of the language.
    #[error("syntax error at byte {at}: {message}")]
    Syntax {
        /// Byte offset in the formula.
        at: usize,
        /// What was wrong.
        message: String,
    },
    /// A name that is neither a trigger nor bound by `let`.
    #[error("unknown name {0}")]
    UnknownName(String),
    /// A function the language subset does not have.
    #[error("unknown function {0}")]
    UnknownFunction(String),
    /// An operation on values of the wrong type, or a failing builtin.
    #[error("{0}")]
    Runtime(String),
}

fn runtime(message: impl Into<String>) -> FormulaError {
    FormulaError::Runtime(message.into())
}

// ---------------------------------------------------------------------------------------------------------------
// Syntax
// ---------------------------------------------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Int(i64),
    Float(f64),
    Name(String),
    Op(&'static str),
}

const OPERATORS: [&str; 27] = [
    "??", "**", "==", "!=", "<=", ">=", "&&", "||", "+", "-", "*", "/", "%", "^", "<", ">", "!",
    "?", ":", "(", ")", "[", "]", "{", "}", ",", ";",
];

fn tokenize(text: &str) -> Result<Vec<(usize, Token)>, FormulaError> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let c = bytes[at];
        if c.is_ascii_whitespace() {
            at += 1;
        } else if c.is_ascii_digit()
            || (c == b'.' && bytes.get(at + 1).is_some_and(u8::is_ascii_digit))
        {
            let start = at;
            let mut is_float = false;
            while at < bytes.len() && (bytes[at].is_ascii_digit() || bytes[at] == b'_') {
                at += 1;
            }
            if at < bytes.len()
                && bytes[at] == b'.'
                && bytes.get(at + 1).is_some_and(u8::is_ascii_digit)
            {
                is_float = true;
                at += 1;
                while at < bytes.len() && bytes[at].is_ascii_digit() {
                    at += 1;
                }
            }
            if at < bytes.len() && (bytes[at] == b'e' || bytes[at] == b'E') {
                is_float = true;
                at += 1;
                if at < bytes.len() && (bytes[at] == b'+' || bytes[at] == b'-') {
                    at += 1;
                }
                while at < bytes.len() && bytes[at].is_ascii_digit() {
                    at += 1;
                }
            }
            let literal: String = text[start..at].chars().filter(|&c| c != '_').collect();
            let token = if is_float {
                literal.parse().map(Token::Float).ok()
            } else {
                literal.parse().map(Token::Int).ok()
            };
            let token = token.ok_or_else(|| FormulaError::Syntax {
                at: start,
                message: format!("invalid number {literal}"),
            })?;
            tokens.push((start, token));
        } else if c.is_ascii_alphabetic() || c == b'_' || c == b'$' {
            let start = at;
            while at < bytes.len()
                && (bytes[at].is_ascii_alphanumeric() || bytes[at] == b'_' || bytes[at] == b'$')
            {
                at += 1;
            }
            tokens.push((start, Token::Name(text[start..at].to_owned())));
        } else if c == b'#' {
            tokens.push((at, Token::Name("#".to_owned())));
            at += 1;
        } else if let Some(op) = OPERATORS.iter().find(|op| text[at..].starts_with(**op)) {
            tokens.push((at, Token::Op(op)));
            at += op.len();
        } else if c == b'=' {
            tokens.push((at, Token::Op("=")));
            at += 1;
        } else {
            return Err(FormulaError::Syntax {
                at,
                message: format!("unexpected character {:?}", char::from(c)),
            });
        }
    }
    Ok(tokens)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BinaryOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    Coalesce,
}

impl BinaryOp {
    /// expr's precedence and whether the operator is right-associative (`parser/operator/operator.go`).
    fn from_token(token: &Token) -> Option<(BinaryOp, u8, bool)> {
        let (op, precedence, right) = match token {
            Token::Op("||") => (BinaryOp::Or, 10, false),
            Token::Name(name) if name == "or" => (BinaryOp::Or, 10, false),
            Token::Op("&&") => (BinaryOp::And, 15, false),
            Token::Name(name) if name == "and" => (BinaryOp::And, 15, false),
            Token::Op("==") => (BinaryOp::Eq, 20, false),
            Token::Op("!=") => (BinaryOp::Ne, 20, false),
            Token::Op("<") => (BinaryOp::Lt, 20, false),
            Token::Op(">") => (BinaryOp::Gt, 20, false),
            Token::Op("<=") => (BinaryOp::Le, 20, false),
            Token::Op(">=") => (BinaryOp::Ge, 20, false),
            Token::Op("+") => (BinaryOp::Add, 30, false),
            Token::Op("-") => (BinaryOp::Sub, 30, false),
            Token::Op("*") => (BinaryOp::Mul, 60, false),
            Token::Op("/") => (BinaryOp::Div, 60, false),
            Token::Op("%") => (BinaryOp::Mod, 60, false),
            Token::Op("**" | "^") => (BinaryOp::Pow, 100, true),
            Token::Op("??") => (BinaryOp::Coalesce, 200, false),
            _ => return None,
        };
        Some((op, precedence, right))
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Expr {
    Literal(Value),
    Name(String),
    Element,
    Array(Vec<Expr>),
    Negate(Box<Expr>),
    Plus(Box<Expr>),
    Not(Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    Conditional(Box<Expr>, Box<Expr>, Box<Expr>),
    Call(String, Vec<Expr>),
    Predicate(Box<Expr>),
    Let(String, Box<Expr>, Box<Expr>),
}

/// Unary `not`/`!` bind at 50, unary `-`/`+` at 90 (expr's `operator.Unary`).
const NOT_PRECEDENCE: u8 = 50;
const SIGN_PRECEDENCE: u8 = 90;

struct Parser {
    tokens: Vec<(usize, Token)>,
    next: usize,
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.next).map(|(_, token)| token)
    }

    fn at(&self) -> usize {
        self.tokens.get(self.next).map_or(self.end, |(at, _)| *at)
    }

    fn error(&self, message: impl Into<String>) -> FormulaError {
        FormulaError::Syntax {
            at: self.at(),
            message: message.into(),
        }
    }

    fn eat(&mut self, op: &str) -> bool {
        if matches!(self.peek(), Some(Token::Op(found)) if *found == op) {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, op: &str) -> Result<(), FormulaError> {
        if self.eat(op) {
            Ok(())
        } else {
            Err(self.error(format!("expected {op}")))
        }
    }

    fn is_name(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Token::Name(name)) if name == word)
    }

    /// A whole expression: `let` bindings, then a conditional.
    fn sequence(&mut self) -> Result<Expr, FormulaError> {
        if self.is_name("let") {
            self.next += 1;
            let Some(Token::Name(name)) = self.peek().cloned() else {
                return Err(self.error("expected a name after let"));
            };
            self.next += 1;
            self.expect("=")?;
            let value = self.conditional()?;
            self.expect(";")?;
            let body = self.sequence()?;
            return Ok(Expr::Let(name, Box::new(value), Box::new(body)));
        }
        self.conditional()
    }

    fn conditional(&mut self) -> Result<Expr, FormulaError> {
        let condition = self.binary(0)?;
        if self.eat("?") {
            let then = self.conditional()?;
            self.expect(":")?;
            let otherwise = self.conditional()?;
            return Ok(Expr::Conditional(
                Box::new(condition),
                Box::new(then),
                Box::new(otherwise),
            ));
        }
        Ok(condition)
    }

    fn binary(&mut self, min_precedence: u8) -> Result<Expr, FormulaError> {
        let mut left = self.unary()?;
        while let Some((op, precedence, right_assoc)) = self.peek().and_then(BinaryOp::from_token) {
            if precedence < min_precedence {
                break;
            }
            self.next += 1;
            let next_min = if right_assoc {
                precedence
            } else {
                precedence + 1
            };
            let right = self.binary(next_min)?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, FormulaError> {
        if self.eat("!") || self.is_name("not") {
            if self.is_name("not") {
                self.next += 1;
            }
            let operand = self.binary(NOT_PRECEDENCE)?;
            return Ok(Expr::Not(Box::new(operand)));
        }
        if self.eat("-") {
            let operand = self.binary(SIGN_PRECEDENCE)?;
            return Ok(Expr::Negate(Box::new(operand)));
        }
        if self.eat("+") {
            let operand = self.binary(SIGN_PRECEDENCE)?;
            return Ok(Expr::Plus(Box::new(operand)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, FormulaError> {
        let Some(token) = self.peek().cloned() else {
            return Err(self.error("unexpected end of formula"));
        };
        self.next += 1;
        match token {
            Token::Int(value) => Ok(Expr::Literal(Value::Int(value))),
            Token::Float(value) => Ok(Expr::Literal(Value::Float(value))),
            Token::Name(name) => match name.as_str() {
                "true" => Ok(Expr::Literal(Value::Bool(true))),
                "false" => Ok(Expr::Literal(Value::Bool(false))),
                "nil" => Ok(Expr::Literal(Value::Nil)),
                "#" => Ok(Expr::Element),
                _ if self.eat("(") => {
                    let arguments = self.arguments()?;
                    Ok(Expr::Call(name, arguments))
                }
                _ => Ok(Expr::Name(name)),
            },
            Token::Op("(") => {
                let inner = self.sequence()?;
                self.expect(")")?;
                Ok(inner)
            }
            Token::Op("[") => {
                let mut items = Vec::new();
                if !self.eat("]") {
                    loop {
                        items.push(self.conditional()?);
                        if self.eat("]") {
                            break;
                        }
                        self.expect(",")?;
                    }
                }
                Ok(Expr::Array(items))
            }
            Token::Op(op) => {
                self.next -= 1;
                Err(self.error(format!("unexpected {op}")))
            }
        }
    }

    /// Call arguments after `(`; a `{ … }` argument is a predicate over `#`.
    fn arguments(&mut self) -> Result<Vec<Expr>, FormulaError> {
        let mut arguments = Vec::new();
        if self.eat(")") {
            return Ok(arguments);
        }
        loop {
            if self.eat("{") {
                let body = self.sequence()?;
                self.expect("}")?;
                arguments.push(Expr::Predicate(Box::new(body)));
            } else {
                arguments.push(self.conditional()?);
            }
            if self.eat(")") {
                return Ok(arguments);
            }
            self.expect(",")?;
        }
    }
}

/// The builtins of the subset, with their argument counts (`None`: any count of at least one).
fn builtin_arity(name: &str) -> Option<Option<usize>> {
    match name {
        "float" | "int" | "abs" | "ceil" | "floor" | "round" | "sum" | "mean" | "len" => {
            Some(Some(1))
        }
        "max" | "min" => Some(None),
        "all" | "any" | "none" | "one" | "count" | "filter" | "map" => Some(Some(2)),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Formula
// ---------------------------------------------------------------------------------------------------------------

/// A parsed formula.
#[derive(Clone, Debug, PartialEq)]
pub struct Formula {
    text: String,
    expr: Expr,
}

impl fmt::Display for Formula {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Formula {
    /// Reads a formula.
    ///
    /// # Errors
    ///
    /// [`FormulaError::Syntax`] when the text is not an expression of the subset.
    pub fn parse(text: &str) -> Result<Formula, FormulaError> {
        let mut parser = Parser {
            tokens: tokenize(text)?,
            next: 0,
            end: text.len(),
        };
        let expr = parser.sequence()?;
        if parser.next < parser.tokens.len() {
            return Err(parser.error("unexpected input after the expression"));
        }
        Ok(Formula {
            text: text.to_owned(),
            expr,
        })
    }

    /// Checks that every name is one of `names` (or bound by `let`) and every function is a builtin with the
    /// right number of arguments: what expr's compiler checks against the trigger environment.
    ///
    /// # Errors
    ///
    /// [`FormulaError::UnknownName`], [`FormulaError::UnknownFunction`], or [`FormulaError::Runtime`] for a
    /// wrong argument count or a `#` outside a predicate.
    pub fn check_names(&self, names: &[&str]) -> Result<(), FormulaError> {
        fn walk(
            expr: &Expr,
            names: &[&str],
            bound: &mut Vec<String>,
            in_predicate: bool,
        ) -> Result<(), FormulaError> {
            match expr {
                Expr::Literal(_) => Ok(()),
                Expr::Name(name) => {
                    if names.contains(&name.as_str()) || bound.iter().any(|b| b == name) {
                        Ok(())
                    } else {
                        Err(FormulaError::UnknownName(name.clone()))
                    }
                }
                Expr::Element => {
                    if in_predicate {
                        Ok(())
                    } else {
                        Err(runtime("# used outside a predicate"))
                    }
                }
                Expr::Array(items) => items
                    .iter()
                    .try_for_each(|item| walk(item, names, bound, in_predicate)),
                Expr::Negate(operand) | Expr::Plus(operand) | Expr::Not(operand) => {
                    walk(operand, names, bound, in_predicate)
                }
                Expr::Binary(_, left, right) => {
                    walk(left, names, bound, in_predicate)?;
                    walk(right, names, bound, in_predicate)
                }
                Expr::Conditional(condition, then, otherwise) => {
                    walk(condition, names, bound, in_predicate)?;
                    walk(then, names, bound, in_predicate)?;
                    walk(otherwise, names, bound, in_predicate)
                }
                Expr::Call(name, arguments) => {
                    let Some(arity) = builtin_arity(name) else {
                        return Err(FormulaError::UnknownFunction(name.clone()));
                    };
                    let count_ok = match arity {
                        Some(count) => arguments.len() == count,
                        None => !arguments.is_empty(),
                    };
                    if !count_ok {
                        return Err(runtime(format!(
                            "wrong number of arguments to {name}: {}",
                            arguments.len()
                        )));
                    }
                    arguments
                        .iter()
                        .try_for_each(|argument| walk(argument, names, bound, in_predicate))
                }
                Expr::Predicate(body) => walk(body, names, bound, true),
                Expr::Let(name, value, body) => {
                    walk(value, names, bound, in_predicate)?;
                    bound.push(name.clone());
                    let result = walk(body, names, bound, in_predicate);
                    bound.pop();
                    result
                }
            }
        }
        walk(&self.expr, names, &mut Vec::new(), false)
    }

    /// Evaluates the formula with the triggers' values.
    ///
    /// # Errors
    ///
    /// [`FormulaError::UnknownName`] for a name missing from `values`, [`FormulaError::Runtime`] for an
    /// operation on the wrong types (a ternary on a number, `%` on floats, `float(nil)`, …).
    pub fn evaluate(&self, values: &BTreeMap<String, Value>) -> Result<Value, FormulaError> {
        let mut scope = Scope {
            values,
            bound: Vec::new(),
            element: None,
        };
        scope.eval(&self.expr)
    }
}

struct Scope<'a> {
    values: &'a BTreeMap<String, Value>,
    bound: Vec<(String, Value)>,
    element: Option<Value>,
}

fn numbers(left: &Value, right: &Value, op: &str) -> Result<(f64, f64), FormulaError> {
    match (left.as_f64(), right.as_f64()) {
        (Some(l), Some(r)) => Ok((l, r)),
        _ => Err(runtime(format!(
            "invalid operation: {} {op} {}",
            left.type_name(),
            right.type_name()
        ))),
    }
}

fn equal(left: &Value, right: &Value) -> bool {
    match (left.as_f64(), right.as_f64()) {
        (Some(l), Some(r)) => l == r,
        _ => left == right,
    }
}

fn boolean(value: &Value, context: &str) -> Result<bool, FormulaError> {
    match value {
        Value::Bool(b) => Ok(*b),
        other => Err(runtime(format!(
            "{context} needs a bool, not {}",
            other.type_name()
        ))),
    }
}

impl Scope<'_> {
    fn lookup(&self, name: &str) -> Result<Value, FormulaError> {
        if let Some((_, value)) = self.bound.iter().rev().find(|(bound, _)| bound == name) {
            return Ok(value.clone());
        }
        self.values
            .get(name)
            .cloned()
            .ok_or_else(|| FormulaError::UnknownName(name.to_owned()))
    }

    fn eval(&mut self, expr: &Expr) -> Result<Value, FormulaError> {
        match expr {
            Expr::Literal(value) => Ok(value.clone()),
            Expr::Name(name) => self.lookup(name),
            Expr::Element => self
                .element
                .clone()
                .ok_or_else(|| runtime("# used outside a predicate")),
            Expr::Array(items) => items
                .iter()
                .map(|item| self.eval(item))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array),
            Expr::Negate(operand) => match self.eval(operand)? {
                Value::Int(value) => Ok(Value::Int(value.wrapping_neg())),
                Value::Float(value) => Ok(Value::Float(-value)),
                other => Err(runtime(format!(
                    "invalid operation: -{}",
                    other.type_name()
                ))),
            },
            Expr::Plus(operand) => match self.eval(operand)? {
                value @ (Value::Int(_) | Value::Float(_)) => Ok(value),
                other => Err(runtime(format!(
                    "invalid operation: +{}",
                    other.type_name()
                ))),
            },
            Expr::Not(operand) => Ok(Value::Bool(!boolean(&self.eval(operand)?, "not")?)),
            Expr::Binary(op, left, right) => self.binary(*op, left, right),
            Expr::Conditional(condition, then, otherwise) => {
                if boolean(&self.eval(condition)?, "a ternary condition")? {
                    self.eval(then)
                } else {
                    self.eval(otherwise)
                }
            }
            Expr::Call(name, arguments) => self.call(name, arguments),
            Expr::Predicate(_) => Err(runtime("a predicate is only a builtin's argument")),
            Expr::Let(name, value, body) => {
                let value = self.eval(value)?;
                self.bound.push((name.clone(), value));
                let result = self.eval(body);
                self.bound.pop();
                result
            }
        }
    }

    fn binary(&mut self, op: BinaryOp, left: &Expr, right: &Expr) -> Result<Value, FormulaError> {
        match op {
            BinaryOp::Or | BinaryOp::And => {
                let l = boolean(&self.eval(left)?, "a logical operator")?;
                if (op == BinaryOp::Or && l) || (op == BinaryOp::And && !l) {
                    return Ok(Value::Bool(l));
                }
                Ok(Value::Bool(boolean(
                    &self.eval(right)?,
                    "a logical operator",
                )?))
            }
            BinaryOp::Coalesce => match self.eval(left)? {
                Value::Nil => self.eval(right),
                value => Ok(value),
            },
            _ => {
                let l = self.eval(left)?;
                let r = self.eval(right)?;
                arithmetic(op, &l, &r)
            }
        }
    }

    fn call(&mut self, name: &str, arguments: &[Expr]) -> Result<Value, FormulaError> {
        if matches!(
            name,
            "all" | "any" | "none" | "one" | "count" | "filter" | "map"
        ) {
            return self.iterate(name, arguments);
        }
        let values = arguments
            .iter()
            .map(|argument| self.eval(argument))
            .collect::<Result<Vec<_>, _>>()?;
        builtin(name, &values)
    }

    fn iterate(&mut self, name: &str, arguments: &[Expr]) -> Result<Value, FormulaError> {
        let [array, Expr::Predicate(body)] = arguments else {
            return Err(runtime(format!("{name} needs an array and a predicate")));
        };
        let Value::Array(items) = self.eval(array)? else {
            return Err(runtime(format!("{name} needs an array")));
        };
        let saved = self.element.take();
        let mut results = Vec::with_capacity(items.len());
        for item in &items {
            self.element = Some(item.clone());
            let result = self.eval(body);
            match result {
                Ok(value) => results.push(value),
                Err(error) => {
                    self.element = saved;
                    return Err(error);
                }
            }
        }
        self.element = saved;
        if name == "map" {
            return Ok(Value::Array(results));
        }
        let truths = results
            .iter()
            .map(|value| boolean(value, name))
            .collect::<Result<Vec<_>, _>>()?;
        let count = truths.iter().filter(|&&t| t).count();
        Ok(match name {
            "all" => Value::Bool(count == truths.len()),
            "any" => Value::Bool(count > 0),
            "none" => Value::Bool(count == 0),
            "one" => Value::Bool(count == 1),
            "count" => Value::Int(i64::try_from(count).unwrap_or(i64::MAX)),
            _ => Value::Array(
                items
                    .into_iter()
                    .zip(truths)
                    .filter_map(|(item, keep)| keep.then_some(item))
                    .collect(),
            ),
        })
    }
}

fn arithmetic(op: BinaryOp, l: &Value, r: &Value) -> Result<Value, FormulaError> {
    let symbol = match op {
        BinaryOp::Eq => return Ok(Value::Bool(equal(l, r))),
        BinaryOp::Ne => return Ok(Value::Bool(!equal(l, r))),
        BinaryOp::Lt => "<",
        BinaryOp::Gt => ">",
        BinaryOp::Le => "<=",
        BinaryOp::Ge => ">=",
        BinaryOp::Add => "+",
        BinaryOp::Sub => "-",
        BinaryOp::Mul => "*",
        BinaryOp::Div => "/",
        BinaryOp::Mod => "%",
        BinaryOp::Pow => "**",
        BinaryOp::Or | BinaryOp::And | BinaryOp::Coalesce => {
            return Err(runtime("a logical operator reached arithmetic"));
        }
    };
    if let (Value::Int(a), Value::Int(b)) = (l, r) {
        match op {
            BinaryOp::Add => return Ok(Value::Int(a.wrapping_add(*b))),
            BinaryOp::Sub => return Ok(Value::Int(a.wrapping_sub(*b))),
            BinaryOp::Mul => return Ok(Value::Int(a.wrapping_mul(*b))),
            BinaryOp::Mod => {
                return if *b == 0 {
                    Err(runtime("integer divide by zero"))
                } else {
                    Ok(Value::Int(a.wrapping_rem(*b)))
                };
            }
            _ => {}
        }
    }
    if op == BinaryOp::Mod {
        return Err(runtime(format!(
            "invalid operation: {} % {}",
            l.type_name(),
            r.type_name()
        )));
    }
    let (a, b) = numbers(l, r, symbol)?;
    Ok(match op {
        BinaryOp::Lt => Value::Bool(a < b),
        BinaryOp::Gt => Value::Bool(a > b),
        BinaryOp::Le => Value::Bool(a <= b),
        BinaryOp::Ge => Value::Bool(a >= b),
        BinaryOp::Add => Value::Float(a + b),
        BinaryOp::Sub => Value::Float(a - b),
        BinaryOp::Mul => Value::Float(a * b),
        BinaryOp::Div => Value::Float(a / b),
        _ => Value::Float(a.powf(b)),
    })
}

fn builtin(name: &str, values: &[Value]) -> Result<Value, FormulaError> {
    let single = || -> Result<&Value, FormulaError> {
        values
            .first()
            .ok_or_else(|| runtime(format!("{name} needs an argument")))
    };
    let number = |value: &Value| {
        value.as_f64().ok_or_else(|| {
            runtime(format!(
                "invalid argument for {name} (type {})",
                value.type_name()
            ))
        })
    };
    match name {
        "float" => Ok(Value::Float(number(single()?)?)),
        "int" => match single()? {
            Value::Int(value) => Ok(Value::Int(*value)),
            other => Ok(Value::Int(go_int64(number(other)?))),
        },
        "abs" => match single()? {
            Value::Int(value) => Ok(Value::Int(value.wrapping_abs())),
            other => Ok(Value::Float(number(other)?.abs())),
        },
        "ceil" => Ok(Value::Float(number(single()?)?.ceil())),
        "floor" => Ok(Value::Float(number(single()?)?.floor())),
        "round" => Ok(Value::Float(number(single()?)?.round())),
        "len" => match single()? {
            Value::Array(items) => Ok(Value::Int(i64::try_from(items.len()).unwrap_or(i64::MAX))),
            other => Err(runtime(format!(
                "invalid argument for len (type {})",
                other.type_name()
            ))),
        },
        "sum" | "mean" => {
            let Value::Array(items) = single()? else {
                return Err(runtime(format!("{name} needs an array")));
            };
            let mut int_sum: Option<i64> = Some(0);
            let mut float_sum = 0.0;
            for item in items {
                float_sum += number(item)?;
                int_sum = match (int_sum, item) {
                    (Some(sum), Value::Int(value)) => Some(sum.wrapping_add(*value)),
                    _ => None,
                };
            }
            if name == "mean" {
                if items.is_empty() {
                    return Ok(Value::Float(0.0));
                }
                let count = int_to_f64(i64::try_from(items.len()).unwrap_or(i64::MAX));
                return Ok(Value::Float(float_sum / count));
            }
            Ok(int_sum.map_or(Value::Float(float_sum), Value::Int))
        }
        _ => {
            // max / min: over the arguments, or over a single array argument.
            let items: &[Value] = match values {
                [Value::Array(items)] => items,
                _ => values,
            };
            let mut best: Option<(&Value, f64)> = None;
            for item in items {
                let value = number(item)?;
                let better = best.is_none_or(|(_, current)| {
                    if name == "max" {
                        value > current
                    } else {
                        value < current
                    }
                });
                if better {
                    best = Some((item, value));
                }
            }
            best.map(|(item, _)| item.clone())
                .ok_or_else(|| runtime(format!("{name} of nothing")))
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// KEDA
// ---------------------------------------------------------------------------------------------------------------

/// `spec.advanced.scalingModifiers` of a `ScaledObject`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ScalingModifiers {
    /// `formula`.
    pub formula: String,
    /// `target`: the composite metric's target, a number as text.
    pub target: String,
    /// `activationTarget`: the composite metric must exceed it for the object to be active (default 0).
    pub activation_target: String,
    /// `metricType`: how the HPA reads the composite metric (`None`: unset, which means `AverageValue`).
    pub metric_type: Option<MetricType>,
}

impl ScalingModifiers {
    /// Whether any field is set.
    ///
    /// Mirrors `(*ScaledObject).IsUsingModifiers` in KEDA `apis/keda/v1alpha1/scaledobject_types.go`: modifiers
    /// with only a target count as used, an empty struct does not.
    #[must_use]
    pub fn is_using_modifiers(&self) -> bool {
        *self != ScalingModifiers::default()
    }
}

/// Whether a `ScaledObject` uses modifiers (`advanced` may be absent altogether).
#[must_use]
pub fn is_using_modifiers(modifiers: Option<&ScalingModifiers>) -> bool {
    modifiers.is_some_and(ScalingModifiers::is_using_modifiers)
}

/// One trigger as the formula sees it: its `name`, and whether it is a `cpu`/`memory` trigger (never a formula
/// input).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FormulaTrigger<'a> {
    /// `name` (empty when unset).
    pub name: &'a str,
    /// A `cpu` or `memory` trigger.
    pub resource_metric: bool,
}

/// Why `scalingModifiers` were refused or could not be evaluated.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ModifiersError {
    /// `formula` is empty.
    #[error("error ScalingModifiers.Formula is mandatory")]
    MissingFormula,
    /// `formula` without `target`.
    #[error("formula is given but target is empty")]
    MissingTarget,
    /// The formula does not compile or does not run with every named trigger at -1.
    #[error("error validating formula in ScalingModifiers: {0}")]
    Formula(FormulaError),
    /// `target` is not a positive number.
    #[error("error converting target for scalingModifiers (string->float) to valid target")]
    InvalidTarget,
    /// `metricType: Utilization`.
    #[error(
        "error trigger type is Utilization, but it needs to be AverageValue or Value for external metrics"
    )]
    UtilizationTarget,
    /// The formula evaluated to something that is not a number.
    #[error("formula returned non-float result {0}")]
    NonFloatResult(&'static str),
    /// The formula evaluated to nil and no fallback gives a value.
    #[error("scalingModifiers formula evaluated to nil but no fallback is configured")]
    NilWithoutFallback,
    /// The formula evaluated to nil and `target` is not a number.
    #[error("scalingModifiers formula evaluated to nil and target is not a valid float")]
    NilWithInvalidTarget,
}

/// The formula the operator actually compiles: the written one, cast to a float.
///
/// Mirrors `castToFloatIfNecessary` in KEDA `apis/keda/v1alpha1/scaledobject_webhook.go`: a formula that does not
/// start with `float(` is wrapped in `float(…)`, because a ternary's result has no fixed type. From 2.20.0 a
/// formula containing `??` is instead bound with `let` and cast only when not nil, so that it can evaluate to
/// nil and hand over to the fallback ([`KedaVersion::formula_may_be_nil`]).
#[must_use]
pub fn cast_to_float_if_necessary(version: KedaVersion, formula: &str) -> String {
    if version.formula_may_be_nil() && formula.contains("??") {
        if formula.starts_with("let _kedaCompositeResult = ") {
            return formula.to_owned();
        }
        return format!(
            "let _kedaCompositeResult = ({formula}); _kedaCompositeResult == nil ? nil : float(_kedaCompositeResult)"
        );
    }
    if formula.starts_with("float(") {
        return formula.to_owned();
    }
    format!("float({formula})")
}

/// The admission check of `scalingModifiers`, returning the formula the operator will evaluate.
///
/// Mirrors `ValidateAndCompileScalingModifiers` (with `validateScalingModifiersFormula` and
/// `validateScalingModifiersTarget`) in KEDA `apis/keda/v1alpha1/scaledobject_webhook.go`: the formula is
/// mandatory and needs a target; it is cast ([`cast_to_float_if_necessary`]), compiled against the named
/// triggers that are not `cpu`/`memory` (a name that is not one of them is an error, so formulas need named
/// triggers) and run once with every trigger at -1; up to 2.19 the result must be a float
/// (`expr.AsFloat64()`). The target must parse as a positive number, and `metricType: Utilization` is refused.
///
/// # Errors
///
/// The first rule that fails, as a [`ModifiersError`].
pub fn validate_and_compile_scaling_modifiers(
    version: KedaVersion,
    modifiers: &ScalingModifiers,
    triggers: &[FormulaTrigger<'_>],
) -> Result<Formula, ModifiersError> {
    if modifiers.formula.is_empty() {
        return Err(ModifiersError::MissingFormula);
    }
    let cast = cast_to_float_if_necessary(version, &modifiers.formula);
    if modifiers.target.is_empty() {
        return Err(ModifiersError::MissingTarget);
    }
    let names: Vec<&str> = triggers
        .iter()
        .filter(|trigger| !trigger.resource_metric && !trigger.name.is_empty())
        .map(|trigger| trigger.name)
        .collect();
    let formula = Formula::parse(&cast).map_err(ModifiersError::Formula)?;
    formula
        .check_names(&names)
        .map_err(ModifiersError::Formula)?;
    let dummies: BTreeMap<String, Value> = names
        .iter()
        .map(|name| ((*name).to_owned(), Value::Float(-1.0)))
        .collect();
    let result = formula
        .evaluate(&dummies)
        .map_err(ModifiersError::Formula)?;
    if !version.formula_may_be_nil() && !matches!(result, Value::Float(_)) {
        return Err(ModifiersError::Formula(runtime(format!(
            "expected float64, but got {}",
            result.type_name()
        ))));
    }
    match go_parse_float(&modifiers.target) {
        Some(target) if target > 0.0 => {}
        _ => return Err(ModifiersError::InvalidTarget),
    }
    if modifiers.metric_type == Some(MetricType::Utilization) {
        return Err(ModifiersError::UtilizationTarget);
    }
    Ok(formula)
}

/// Go's `strconv.ParseFloat(text, 64)` for the texts a target holds: decimal or exponent notation, `Inf`, `NaN`.
#[must_use]
pub fn go_parse_float(text: &str) -> Option<f64> {
    if text.is_empty() || text.trim() != text {
        return None;
    }
    text.parse().ok()
}

/// A trigger's value as the formula sees it: the value, or nil when the trigger is past its failure threshold
/// under the `scalingModifiers` fallback behavior.
///
/// Mirrors `scalingModifierTriggerValue` in KEDA `pkg/scaling/modifiers/formula.go` (2.20.0). `health` is the
/// trigger's `status.health` entry (`None` when it has none); a count exactly at the threshold still gives the
/// value (the test is strictly `>`).
#[must_use]
pub fn scaling_modifier_trigger_value(
    version: KedaVersion,
    value: f64,
    fallback: Option<&Fallback>,
    health: Option<MetricHealth>,
) -> Option<f64> {
    let Some(fallback) = fallback.filter(|fallback| {
        version.scaling_modifiers_fallback()
            && fallback.behavior == FallbackBehavior::ScalingModifiers
    }) else {
        return Some(value);
    };
    match health {
        Some(health) if health.number_of_failures > fallback.failure_threshold => None,
        _ => Some(value),
    }
}

/// The composite metric in milli-units: the formula over the triggers' values.
///
/// Mirrors `calculateScalingModifiersFormula` in KEDA `pkg/scaling/modifiers/formula.go`. `values` maps each
/// trigger name to its value, `None` for nil ([`scaling_modifier_trigger_value`]). A nil result (2.20.0, a
/// formula with `??`) becomes `fallback.replicas × target`, so the HPA lands on the fallback's count. The float
/// result is stored as `int64(value × 1000)` milli-units, truncated.
///
/// # Errors
///
/// The formula's own error, [`ModifiersError::NonFloatResult`], or, for a nil result,
/// [`ModifiersError::NilWithoutFallback`] / [`ModifiersError::NilWithInvalidTarget`].
pub fn calculate_scaling_modifiers_formula(
    formula: &Formula,
    values: &[(&str, Option<f64>)],
    fallback: Option<&Fallback>,
    modifiers: &ScalingModifiers,
) -> Result<i64, ModifiersError> {
    let data: BTreeMap<String, Value> = values
        .iter()
        .map(|(name, value)| ((*name).to_owned(), value.map_or(Value::Nil, Value::Float)))
        .collect();
    let result = formula.evaluate(&data).map_err(ModifiersError::Formula)?;
    let out = match result {
        Value::Nil => scaling_modifiers_fallback_target(fallback, modifiers)?,
        Value::Float(value) => value,
        other => return Err(ModifiersError::NonFloatResult(other.type_name())),
    };
    Ok(go_int64(out * 1000.0))
}

/// `fallback.replicas × target`: the composite value when the formula gives nil.
///
/// Mirrors `scalingModifiersFallbackTarget` in KEDA `pkg/scaling/modifiers/formula.go`.
///
/// # Errors
///
/// [`ModifiersError::NilWithoutFallback`] without a fallback, [`ModifiersError::NilWithInvalidTarget`] when the
/// target is not a number.
pub fn scaling_modifiers_fallback_target(
    fallback: Option<&Fallback>,
    modifiers: &ScalingModifiers,
) -> Result<f64, ModifiersError> {
    let fallback = fallback.ok_or(ModifiersError::NilWithoutFallback)?;
    let target = go_parse_float(&modifiers.target).ok_or(ModifiersError::NilWithInvalidTarget)?;
    Ok(f64::from(fallback.replicas) * target)
}

/// The metric list after the modifiers: the composite metric, the first fallback metric while a fallback is
/// active, or `None` when the formula failed (KEDA then serves no metric and the object is inactive).
///
/// Mirrors `HandleScalingModifiers` in KEDA `pkg/scaling/modifiers/formula.go`: while any trigger's fallback is
/// active the formula is skipped and the first fallback value stands for the composite metric.
#[must_use]
pub fn handle_scaling_modifiers(
    formula: &Formula,
    values: &[(&str, Option<f64>)],
    fallback_value_milli: Option<i64>,
    fallback: Option<&Fallback>,
    modifiers: &ScalingModifiers,
) -> Option<i64> {
    match fallback_value_milli {
        Some(milli) => Some(milli),
        None => calculate_scaling_modifiers_formula(formula, values, fallback, modifiers).ok(),
    }
}

/// Whether the composite metric activates the object: strictly above `activationTarget` (0 when unset).
///
/// The modifiers branch of `(*scaleHandler).getScaledObjectState` in KEDA `pkg/scaling/scale_handler.go`.
///
/// # Errors
///
/// [`ModifiersError::InvalidTarget`] when `activationTarget` is set but not a number (KEDA then reports the
/// object as failing).
pub fn composite_is_active(
    composite_milli: i64,
    modifiers: &ScalingModifiers,
) -> Result<bool, ModifiersError> {
    let activation = if modifiers.activation_target.is_empty() {
        0.0
    } else {
        go_parse_float(&modifiers.activation_target).ok_or(ModifiersError::InvalidTarget)?
    };
    Ok(milli_value(composite_milli) > activation)
}

/// A milli-quantity as a float (`AsApproximateFloat64`).
#[allow(
    clippy::cast_precision_loss,
    reason = "the quantity's approximate float, as Go computes it"
)]
fn milli_value(milli: i64) -> f64 {
    milli as f64 / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(text: &str, values: &[(&str, f64)]) -> Result<Value, FormulaError> {
        let formula = Formula::parse(text)?;
        let values = values
            .iter()
            .map(|(name, value)| ((*name).to_owned(), Value::Float(*value)))
            .collect();
        formula.evaluate(&values)
    }

    #[test]
    fn arithmetic_follows_expr() {
        // (formula, expected)
        let cases = [
            ("1 + 2", Value::Int(3)),
            ("7 / 2", Value::Float(3.5)), // `/` is always a float
            ("7 % 4", Value::Int(3)),
            ("-7 % 4", Value::Int(-3)), // Go's remainder keeps the sign
            ("2 ** 3", Value::Float(8.0)),
            ("2 ^ 3 ^ 2", Value::Float(512.0)), // right-associative
            ("1 + 2 * 3", Value::Int(7)),
            ("(1 + 2) * 3", Value::Int(9)),
            ("nil ?? 4", Value::Int(4)),
            ("1 < 2 ? 10 : 20", Value::Int(10)),
            ("true ? false ? 1 : 2 : 3", Value::Int(2)),
            ("not true || true", Value::Bool(true)),
            ("!(1 == 1.0)", Value::Bool(false)),
            ("let x = 2; x * x", Value::Int(4)),
            ("count([1, 2, 3], {# > 1})", Value::Int(2)),
            ("all([1, 2], {# > 0})", Value::Bool(true)),
            ("max(1, 3.5, 2)", Value::Float(3.5)),
            ("min([4, 2])", Value::Int(2)),
            ("sum([1, 2])", Value::Int(3)),
            ("mean([1, 2])", Value::Float(1.5)),
            ("float(3)", Value::Float(3.0)),
            ("int(3.9)", Value::Int(3)),
            ("ceil(1.2)", Value::Float(2.0)),
        ];
        for (text, expected) in cases {
            assert_eq!(eval(text, &[]), Ok(expected), "{text}");
        }
    }

    #[test]
    fn unary_minus_precedence() {
        // expr gives unary `-` precedence 90, below `**` (100): `-2 ** 2` is `-(2 ** 2)`.
        assert_eq!(eval("-2 ** 2", &[]), Ok(Value::Float(-4.0)));
        assert_eq!(eval("-2 * 3", &[]), Ok(Value::Int(-6)));
    }

    #[test]
    fn names_and_errors() {
        assert_eq!(
            eval("a + b", &[("a", 2.0), ("b", 5.0)]),
            Ok(Value::Float(7.0))
        );
        assert_eq!(
            eval("a + c", &[("a", 2.0)]),
            Err(FormulaError::UnknownName("c".into()))
        );
        assert!(matches!(
            eval("1 ? 2 : 3", &[]),
            Err(FormulaError::Runtime(_))
        ));
        assert!(matches!(
            eval("1.5 % 2", &[]),
            Err(FormulaError::Runtime(_))
        ));
        assert!(matches!(eval("1 % 0", &[]), Err(FormulaError::Runtime(_))));
        assert!(matches!(
            eval("float(nil)", &[]),
            Err(FormulaError::Runtime(_))
        ));
        assert!(matches!(
            Formula::parse("1 +"),
            Err(FormulaError::Syntax { .. })
        ));
        assert!(matches!(
            Formula::parse("(1"),
            Err(FormulaError::Syntax { .. })
        ));
        assert!(matches!(
            Formula::parse("1 2"),
            Err(FormulaError::Syntax { .. })
        ));
        let formula = Formula::parse("sqrt(a)").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            formula.check_names(&["a"]),
            Err(FormulaError::UnknownFunction("sqrt".into()))
        );
        let formula = Formula::parse("let y = a; y + #").unwrap_or_else(|e| panic!("{e}"));
        assert!(formula.check_names(&["a"]).is_err());
    }

    #[test]
    fn cast_by_release() {
        use KedaVersion::{V2_19_0, V2_20_0};
        assert_eq!(cast_to_float_if_necessary(V2_19_0, "a + b"), "float(a + b)");
        assert_eq!(cast_to_float_if_necessary(V2_19_0, "float(a)"), "float(a)");
        assert_eq!(
            cast_to_float_if_necessary(V2_19_0, "a ?? b"),
            "float(a ?? b)"
        );
        assert_eq!(
            cast_to_float_if_necessary(V2_20_0, "a ?? b"),
            "let _kedaCompositeResult = (a ?? b); _kedaCompositeResult == nil ? nil : float(_kedaCompositeResult)"
        );
    }
}
