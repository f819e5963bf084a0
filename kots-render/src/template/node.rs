//! The syntax tree (Go's `text/template/parse/node.go`). Every node carries its byte offset in
//! the source (`pos`), from which error messages compute Go's `LINE:COL`; `Display` prints a node
//! back as Go's `String()` does, for the `at <…>` part of execution errors.

use std::fmt::{self, Write as _};

/// A sequence of nodes.
#[derive(Clone, Debug, Default)]
pub struct ListNode {
    pub pos: usize,
    pub nodes: Vec<Node>,
}

/// A node of a template body.
#[derive(Clone, Debug)]
pub enum Node {
    /// Plain text.
    Text { pos: usize, text: Box<str> },
    /// `{{pipeline}}`.
    Action { pos: usize, pipe: PipeNode },
    /// `{{if}}`.
    If(Box<BranchNode>),
    /// `{{range}}`.
    Range(Box<BranchNode>),
    /// `{{with}}`.
    With(Box<BranchNode>),
    /// `{{template "name" pipeline}}` (also what `{{block}}` leaves in place).
    Template {
        pos: usize,
        name: Box<str>,
        pipe: Option<PipeNode>,
    },
    /// `{{break}}`.
    Break { pos: usize },
    /// `{{continue}}`.
    Continue { pos: usize },
}

/// The shared shape of `if`, `range` and `with`.
#[derive(Clone, Debug)]
pub struct BranchNode {
    pub pos: usize,
    pub pipe: PipeNode,
    pub list: ListNode,
    pub else_list: Option<ListNode>,
}

/// A pipeline with optional variable declarations: `$x, $y := cmd | cmd`.
#[derive(Clone, Debug)]
pub struct PipeNode {
    pub pos: usize,
    pub is_assign: bool,
    pub decl: Vec<VarRef>,
    pub cmds: Vec<CommandNode>,
}

/// A declared or assigned variable (`$x`), with its source position.
#[derive(Clone, Debug)]
pub struct VarRef {
    pub pos: usize,
    pub name: Box<str>,
}

/// One command of a pipeline: an operand followed by arguments.
#[derive(Clone, Debug)]
pub struct CommandNode {
    pub pos: usize,
    pub args: Vec<Arg>,
}

/// An operand.
#[derive(Clone, Debug)]
pub enum Arg {
    /// A function name, with what it resolved to when parsed.
    Identifier {
        pos: usize,
        name: Box<str>,
        callee: Callee,
    },
    /// `.`
    Dot { pos: usize },
    /// `nil`
    Nil { pos: usize },
    /// `$x.a.b` (`ident[0]` is the variable name with its `$`).
    Variable { pos: usize, ident: Vec<Box<str>> },
    /// `.a.b`
    Field { pos: usize, ident: Vec<Box<str>> },
    /// `(pipeline).a.b` or `func.a`
    Chain {
        pos: usize,
        node: Box<Arg>,
        fields: Vec<Box<str>>,
    },
    /// `true` / `false`
    Bool { pos: usize, val: bool },
    /// A number, rune or complex literal.
    Number(Box<NumberNode>),
    /// A string literal: its source text and its value.
    String {
        pos: usize,
        quoted: Box<str>,
        text: std::sync::Arc<str>,
    },
    /// `( pipeline )`
    Pipe(Box<PipeNode>),
}

/// The function a name refers to, resolved once at parse time (Go looks it up on every call).
#[derive(Clone)]
pub struct Callee(pub(crate) CalleeKind);

#[derive(Clone)]
pub(crate) enum CalleeKind {
    /// A function of the template's [`FuncMap`](super::FuncMap).
    Func(super::funcs::Func),
    /// One of Go's built-ins.
    Builtin(super::builtins::Builtin),
}

impl fmt::Debug for Callee {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            CalleeKind::Func(func) => func.fmt(f),
            CalleeKind::Builtin(b) => b.fmt(f),
        }
    }
}

/// A numeric literal, with all its Go interpretations.
#[derive(Clone, Debug, Default)]
pub struct NumberNode {
    pub pos: usize,
    pub is_int: bool,
    pub is_uint: bool,
    pub is_float: bool,
    pub is_complex: bool,
    pub int64: i64,
    pub uint64: u64,
    pub float64: f64,
    /// Real and imaginary parts, when `is_complex`.
    pub complex128: (f64, f64),
    pub text: Box<str>,
}

impl Arg {
    /// The byte offset of the operand.
    pub fn pos(&self) -> usize {
        match self {
            Arg::Identifier { pos, .. }
            | Arg::Dot { pos }
            | Arg::Nil { pos }
            | Arg::Variable { pos, .. }
            | Arg::Field { pos, .. }
            | Arg::Chain { pos, .. }
            | Arg::Bool { pos, .. }
            | Arg::String { pos, .. } => *pos,
            Arg::Number(n) => n.pos,
            Arg::Pipe(p) => p.pos,
        }
    }
}

impl Node {
    /// The byte offset of the node.
    pub fn pos(&self) -> usize {
        match self {
            Node::Text { pos, .. }
            | Node::Action { pos, .. }
            | Node::Template { pos, .. }
            | Node::Break { pos }
            | Node::Continue { pos } => *pos,
            Node::If(b) | Node::Range(b) | Node::With(b) => b.pos,
        }
    }
}

fn write_idents(f: &mut fmt::Formatter<'_>, idents: &[Box<str>], lead_dot: bool) -> fmt::Result {
    for (i, id) in idents.iter().enumerate() {
        if lead_dot || i > 0 {
            f.write_char('.')?;
        }
        f.write_str(id)?;
    }
    Ok(())
}

impl fmt::Display for Arg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Arg::Identifier { name, .. } => f.write_str(name),
            Arg::Dot { .. } => f.write_str("."),
            Arg::Nil { .. } => f.write_str("nil"),
            Arg::Variable { ident, .. } => write_idents(f, ident, false),
            Arg::Field { ident, .. } => write_idents(f, ident, true),
            Arg::Chain { node, fields, .. } => {
                if let Arg::Pipe(p) = &**node {
                    write!(f, "({p})")?;
                } else {
                    write!(f, "{node}")?;
                }
                write_idents(f, fields, true)
            }
            Arg::Bool { val, .. } => f.write_str(if *val { "true" } else { "false" }),
            Arg::Number(n) => f.write_str(&n.text),
            Arg::String { quoted, .. } => f.write_str(quoted),
            Arg::Pipe(p) => write!(f, "{p}"),
        }
    }
}

impl fmt::Display for CommandNode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, arg) in self.args.iter().enumerate() {
            if i > 0 {
                f.write_char(' ')?;
            }
            if let Arg::Pipe(p) = arg {
                write!(f, "({p})")?;
            } else {
                write!(f, "{arg}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for PipeNode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.decl.is_empty() {
            for (i, v) in self.decl.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                f.write_str(&v.name)?;
            }
            f.write_str(" := ")?;
        }
        for (i, c) in self.cmds.iter().enumerate() {
            if i > 0 {
                f.write_str(" | ")?;
            }
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

impl fmt::Display for ListNode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for n in &self.nodes {
            write!(f, "{n}")?;
        }
        Ok(())
    }
}

fn write_branch(f: &mut fmt::Formatter<'_>, name: &str, b: &BranchNode) -> fmt::Result {
    write!(f, "{{{{{name} {}}}}}{}", b.pipe, b.list)?;
    if let Some(e) = &b.else_list {
        write!(f, "{{{{else}}}}{e}")?;
    }
    f.write_str("{{end}}")
}

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Node::Text { text, .. } => f.write_str(text),
            Node::Action { pipe, .. } => write!(f, "{{{{{pipe}}}}}"),
            Node::If(b) => write_branch(f, "if", b),
            Node::Range(b) => write_branch(f, "range", b),
            Node::With(b) => write_branch(f, "with", b),
            Node::Template { name, pipe, .. } => {
                write!(f, "{{{{template {}", super::gofmt::quote(name))?;
                if let Some(p) = pipe {
                    write!(f, " {p}")?;
                }
                f.write_str("}}")
            }
            Node::Break { .. } => f.write_str("{{break}}"),
            Node::Continue { .. } => f.write_str("{{continue}}"),
        }
    }
}
