//! The evaluator: a tree walker following Go's `text/template/exec.go` step by step, so that
//! values, truthiness, `<no value>`, argument checking and error messages (with the node Go
//! points at) come out identical.

use super::cycles::StoredMaps;
use std::collections::HashMap;
use std::sync::Arc;

use super::builtins::{self, Builtin, P};
use super::complex::Complex;
use super::error::TemplateError;
use super::funcs::{CallContext, Func, FuncError, Providers, Ty};
use super::gofmt;
use super::limits::Limits;
use super::node::{
    Arg, BranchNode, Callee, CalleeKind, CommandNode, ListNode, Node, NumberNode, PipeNode,
};
use super::parse::Tree;
use super::value::{same_name, MapRef, Value};

/// A value during evaluation: Go's `reflect.Value`, reduced to what matters.
///
/// `v: None` is Go's invalid value (a missing map key, nil data): it prints `<no value>`.
/// `iface` marks values whose static type is `interface{}` (elements of lists and maps): Go
/// names that type in some errors and only unwraps them at the end of a pipeline command.
#[derive(Clone, Debug)]
pub(crate) struct Val {
    pub v: Option<Value>,
    pub iface: bool,
}

impl Val {
    pub const MISSING: Val = Val {
        v: None,
        iface: false,
    };

    pub fn concrete(v: Value) -> Val {
        Val {
            v: Some(v),
            iface: false,
        }
    }

    fn elem(v: Value) -> Val {
        Val {
            v: Some(v),
            iface: true,
        }
    }

    /// Go's pipeline step: an `interface{}` value is replaced by its content (nil → invalid).
    /// `Value::Nil` is always a nil `interface{}` (a function's nil result included).
    fn unwrap_iface(self) -> Val {
        match self.v {
            Some(Value::Nil) => Val::MISSING,
            v => Val { v, iface: false },
        }
    }

    fn type_name(&self) -> &str {
        match &self.v {
            _ if self.iface => "interface {}",
            Some(v) => v.type_name(),
            None => "<nil>",
        }
    }

    pub fn is_true(&self) -> bool {
        self.v.as_ref().is_some_and(Value::is_true)
    }
}

/// The final argument of a pipeline command (Go's `missingVal` sentinel when absent).
#[derive(Clone, Debug)]
enum Final {
    Absent,
    Given(Val),
}

/// Where an error points: the node Go's `state.at` last recorded.
#[derive(Clone, Copy)]
enum At<'t> {
    None,
    Node(&'t Node),
    Arg(&'t Arg),
    Pipe(&'t PipeNode),
    Cmd(&'t CommandNode),
    List(&'t ListNode),
}

impl At<'_> {
    fn pos_and_text(&self) -> Option<(usize, String)> {
        Some(match self {
            At::None => return None,
            At::Node(n) => (n.pos(), n.to_string()),
            At::Arg(a) => (a.pos(), a.to_string()),
            At::Pipe(p) => (p.pos, p.to_string()),
            At::Cmd(c) => (c.pos, c.to_string()),
            At::List(l) => (l.pos, l.to_string()),
        })
    }
}

enum Flow {
    Normal,
    Break,
    Continue,
}

/// Errors are boxed while evaluating: results pass through many frames, and a small `Err`
/// keeps every `R<Val>` small.
type R<T> = Result<T, Box<TemplateError>>;

/// Everything one execution needs.
pub(crate) struct Exec<'t> {
    pub trees: &'t HashMap<Arc<str>, Tree>,
    pub limits: &'t Limits,
    pub providers: &'t Providers,
}

pub(crate) struct State<'t, 'o> {
    ex: &'t Exec<'t>,
    tree: &'t Tree,
    name: Arc<str>,
    out: &'o mut String,
    vars: Vec<(&'t str, Val)>,
    at: At<'t>,
    depth: usize,
    steps: u64,
    random: Box<dyn super::funcs::Random>,
    /// The arguments of the calls being evaluated, innermost last (one allocation per render
    /// instead of one per call).
    args: Vec<Val>,
    /// The same, converted for the function being called.
    values: Vec<Value>,
    stored_maps: StoredMaps,
}

/// Executes the template `tree` with `data` into `out`.
pub(crate) fn execute<'t>(
    ex: &'t Exec<'t>,
    tree: &'t Tree,
    data: &Value,
    out: &mut String,
) -> Result<(), TemplateError> {
    let dot = match data {
        Value::Nil => Val::MISSING,
        v => Val::concrete(v.clone()),
    };
    let mut s = State {
        ex,
        tree,
        name: tree.name.clone(),
        out,
        vars: vec![("$", dot.clone())],
        at: At::None,
        depth: 0,
        steps: 0,
        random: ex.providers.random(),
        args: Vec::new(),
        values: Vec::new(),
        stored_maps: StoredMaps::default(),
    };
    let result = s.walk_list(&dot, &tree.root).map(|_| ()).map_err(|e| *e);
    s.stored_maps.break_cycles();
    result
}

impl<'t> State<'t, '_> {
    fn at(&mut self, at: At<'t>) {
        self.at = at;
    }

    /// Go's `state.errorf`: `template: NAME:LINE:COL: executing "NAME" at <NODE>: MSG`.
    fn err(&self, msg: impl std::fmt::Display) -> Box<TemplateError> {
        Box::new(TemplateError::Exec {
            name: self.name.to_string(),
            message: self.format_err(&msg.to_string()),
        })
    }

    fn format_err(&self, msg: &str) -> String {
        let name = &self.name;
        match self.at.pos_and_text() {
            None => format!("template: {name}: {msg}"),
            Some((pos, context)) => {
                let text = &self.tree.text[..pos.min(self.tree.text.len())];
                let (line, col) = match text.rfind('\n') {
                    None => (1, pos),
                    Some(i) => (1 + text.matches('\n').count(), pos - (i + 1)),
                };
                format!(
                    "template: {}:{}:{}: executing {} at <{}>: {}",
                    self.tree.parse_name,
                    line,
                    col,
                    gofmt::quote(name),
                    context,
                    msg
                )
            }
        }
    }

    fn limit(&self, msg: String) -> Box<TemplateError> {
        Box::new(TemplateError::Limit {
            name: self.name.to_string(),
            message: self.format_err(&msg),
        })
    }

    fn step(&mut self) -> R<()> {
        self.steps += 1;
        if self.steps > self.ex.limits.max_steps {
            return Err(self.limit(format!(
                "exceeded the limit of {} evaluation steps",
                self.ex.limits.max_steps
            )));
        }
        Ok(())
    }

    fn write(&mut self, s: &str) -> R<()> {
        self.out.push_str(s);
        self.check_output()
    }

    fn check_output(&self) -> R<()> {
        if self.out.len() > self.ex.limits.max_output_bytes {
            return Err(self.limit(format!(
                "output exceeds the limit of {} bytes",
                self.ex.limits.max_output_bytes
            )));
        }
        Ok(())
    }

    // ---- variables -------------------------------------------------------------------------

    fn var_value(&self, name: &str) -> R<Val> {
        match innermost(&self.vars, name) {
            Some(v) => Ok(v.clone()),
            None => Err(self.err(format!("undefined variable: {name}"))),
        }
    }

    fn set_var(&mut self, name: &str, v: Val) -> R<()> {
        match self.vars.iter_mut().rev().find(|(n, _)| same_name(n, name)) {
            Some(slot) => {
                slot.1 = v;
                Ok(())
            }
            None => Err(self.err(format!("undefined variable: {name}"))),
        }
    }

    fn set_top_var(&mut self, n: usize, v: Val) {
        let len = self.vars.len();
        self.vars[len - n].1 = v;
    }

    // ---- walking ---------------------------------------------------------------------------

    fn walk_list(&mut self, dot: &Val, list: &'t ListNode) -> R<Flow> {
        with_stack(|| {
            self.at(At::List(list));
            for node in &list.nodes {
                match self.walk(dot, node)? {
                    Flow::Normal => {}
                    flow => return Ok(flow),
                }
            }
            Ok(Flow::Normal)
        })
    }

    fn walk(&mut self, dot: &Val, node: &'t Node) -> R<Flow> {
        self.at(At::Node(node));
        self.step()?;
        match node {
            Node::Text { text, .. } => self.write(text)?,
            Node::Action { pipe, .. } if pipe.decl.is_empty() => {
                self.print_pipeline(dot, node, pipe)?
            }
            Node::Action { pipe, .. } => {
                self.eval_pipeline(dot, pipe)?;
            }
            Node::If(b) => return self.walk_if_or_with(false, dot, b),
            Node::With(b) => return self.walk_if_or_with(true, dot, b),
            Node::Range(b) => return self.walk_range(dot, node, b),
            Node::Template { name, pipe, .. } => {
                self.walk_template(dot, node, name, pipe.as_ref())?
            }
            Node::Break { .. } => return Ok(Flow::Break),
            Node::Continue { .. } => return Ok(Flow::Continue),
        }
        Ok(Flow::Normal)
    }

    fn walk_if_or_with(&mut self, with: bool, dot: &Val, b: &'t BranchNode) -> R<Flow> {
        let mark = self.vars.len();
        let val = self.eval_pipeline(dot, &b.pipe)?;
        let flow = if val.is_true() {
            if with {
                self.walk_list(&val, &b.list)?
            } else {
                self.walk_list(dot, &b.list)?
            }
        } else if let Some(e) = &b.else_list {
            self.walk_list(dot, e)?
        } else {
            Flow::Normal
        };
        self.vars.truncate(mark);
        Ok(flow)
    }

    fn walk_range(&mut self, dot: &Val, node: &'t Node, r: &'t BranchNode) -> R<Flow> {
        self.at(At::Node(node));
        let mark0 = self.vars.len();
        let val = self.eval_pipeline(dot, &r.pipe)?;
        let mark = self.vars.len();
        let decls = r.pipe.decl.len();
        let mut ran = false;
        let result = (|| -> R<Flow> {
            match &val.v {
                Some(Value::List(items)) => {
                    for (i, item) in items.iter().enumerate() {
                        ran = true;
                        if self.one_iteration(
                            r,
                            decls,
                            mark,
                            Val::concrete(Value::Int(i as i64)),
                            Val::elem(item.clone()),
                        )? {
                            break;
                        }
                    }
                }
                Some(Value::Map(m)) => {
                    // Go ranges over the entries as they were when the range started.
                    for (k, item) in m.snapshot().iter() {
                        ran = true;
                        let key = Val::concrete(Value::String(k.as_str().into()));
                        if self.one_iteration(r, decls, mark, key, Val::elem(item.clone()))? {
                            break;
                        }
                    }
                }
                Some(v @ (Value::Int(_) | Value::Int64(_) | Value::Uint(_))) => {
                    if decls > 1 {
                        return Err(self.err(format!(
                            "can't use {v} to iterate over more than one variable"
                        )));
                    }
                    let n: u64 = match v {
                        Value::Uint(u) => *u,
                        Value::Int(i) | Value::Int64(i) => (*i).max(0) as u64,
                        _ => 0,
                    };
                    for i in 0..n {
                        ran = true;
                        let iv = match v {
                            Value::Uint(_) => Value::Uint(i),
                            Value::Int64(_) => Value::Int64(i as i64),
                            _ => Value::Int(i as i64),
                        };
                        let iv = Val::concrete(iv);
                        if self.one_iteration(r, decls, mark, iv.clone(), iv)? {
                            break;
                        }
                    }
                }
                None => {}
                Some(v) => return Err(self.err(format!("range can't iterate over {v}"))),
            }
            Ok(Flow::Normal)
        })();
        result?;
        let flow = if !ran {
            match &r.else_list {
                Some(e) => self.walk_list(dot, e)?,
                None => Flow::Normal,
            }
        } else {
            Flow::Normal
        };
        self.vars.truncate(mark0);
        Ok(flow)
    }

    /// One range iteration; returns true on `{{break}}`.
    fn one_iteration(
        &mut self,
        r: &'t BranchNode,
        decls: usize,
        mark: usize,
        index: Val,
        elem: Val,
    ) -> R<bool> {
        self.step()?;
        if decls > 0 {
            self.set_top_var(1, elem.clone());
        }
        if decls > 1 {
            self.set_top_var(2, index);
        }
        let flow = self.walk_list(&elem, &r.list)?;
        self.vars.truncate(mark);
        Ok(matches!(flow, Flow::Break))
    }

    fn walk_template(
        &mut self,
        dot: &Val,
        node: &'t Node,
        name: &str,
        pipe: Option<&'t PipeNode>,
    ) -> R<()> {
        self.at(At::Node(node));
        let Some(tree) = self.ex.trees.get(name) else {
            return Err(self.err(format!("template {} not defined", gofmt::quote(name))));
        };
        if self.depth >= self.ex.limits.max_template_depth {
            return Err(self.limit(format!(
                "exceeded maximum template depth ({})",
                self.ex.limits.max_template_depth
            )));
        }
        let new_dot = match pipe {
            Some(p) => self.eval_pipeline(dot, p)?,
            None => Val::MISSING,
        };
        let saved_vars = std::mem::replace(&mut self.vars, vec![("$", new_dot.clone())]);
        let saved_tree = std::mem::replace(&mut self.tree, tree);
        let saved_name = std::mem::replace(&mut self.name, tree.name.clone());
        self.depth += 1;
        let r = self.walk_list(&new_dot, &tree.root);
        self.depth -= 1;
        self.vars = saved_vars;
        self.tree = saved_tree;
        self.name = saved_name;
        r.map(|_| ())
    }

    // ---- pipelines and commands ------------------------------------------------------------

    fn eval_pipeline(&mut self, dot: &Val, pipe: &'t PipeNode) -> R<Val> {
        with_stack(|| {
            self.at(At::Pipe(pipe));
            if let ([cmd], true) = (&pipe.cmds[..], pipe.decl.is_empty()) {
                // The common shape (`.a.b`, `$x.y`, `f x`): one command, nothing declared.
                return Ok(self.eval_command(dot, cmd, Final::Absent)?.unwrap_iface());
            }
            let mut value = Final::Absent;
            for cmd in &pipe.cmds {
                let v = self.eval_command(dot, cmd, value)?;
                value = Final::Given(v.unwrap_iface());
            }
            let value = match value {
                Final::Given(v) => v,
                Final::Absent => Val::MISSING,
            };
            for var in &pipe.decl {
                if pipe.is_assign {
                    self.set_var(&var.name, value.clone())?;
                } else {
                    self.vars.push((&var.name, value.clone()));
                }
            }
            Ok(value)
        })
    }

    /// An action's pipeline whose value is printed. When the last command is `print`, `printf`
    /// or `println`, its text goes straight into the output instead of through a string value:
    /// the same text and the same errors, without two allocations and a copy.
    fn print_pipeline(&mut self, dot: &Val, node: &'t Node, pipe: &'t PipeNode) -> R<()> {
        let direct = pipe
            .cmds
            .split_last()
            .and_then(|(last, init)| match &last.args[0] {
                Arg::Identifier {
                    callee: Callee(CalleeKind::Builtin(b)),
                    name,
                    ..
                } if b.prints() => Some((last, init, *b, name)),
                _ => None,
            });
        let Some((last, init, b, name)) = direct else {
            if self.print_map_string(dot, pipe) {
                self.at(At::Node(node));
                return self.check_output();
            }
            let val = self.eval_pipeline(dot, pipe)?;
            self.at(At::Node(node));
            return match &val.v {
                None => self.write("<no value>"),
                Some(v) => match gofmt::try_write_v(self.out, v) {
                    Err(e) => Err(self.limit(e.to_string())),
                    Ok(()) => self.check_output(),
                },
            };
        };
        // What eval_pipeline, eval_command, eval_function and eval_builtin_call do, in order.
        self.at(At::Pipe(pipe));
        let mut fin = Final::Absent;
        for cmd in init {
            let v = self.eval_command(dot, cmd, fin)?;
            fin = Final::Given(v.unwrap_iface());
        }
        self.step()?;
        self.at(At::Arg(&last.args[0]));
        let base = self.builtin_args(dot, b, name, &last.args[1..], fin)?;
        let vbase = self.move_args_to_values(base);
        let result = builtins::print_into(self.out, b, &self.values[vbase..], self.ex.limits);
        self.values.truncate(vbase);
        if let Err(e) = result {
            self.at(At::Cmd(last));
            return Err(self.func_err(name, e));
        }
        self.at(At::Node(node));
        self.check_output()
    }

    /// `{{.key}}` or `{{$x.key}}` whose value is a string in a map: written from under the
    /// map's lock instead of cloned out and dropped. Returns false, having done nothing, for
    /// anything else (or when the step limit is reached, for the general path to report).
    fn print_map_string(&mut self, dot: &Val, pipe: &'t PipeNode) -> bool {
        let ([cmd], true) = (&pipe.cmds[..], self.steps < self.ex.limits.max_steps) else {
            return false;
        };
        let (map, key) = match &cmd.args[..] {
            [Arg::Field { ident, .. }] if ident.len() == 1 => match &dot.v {
                Some(Value::Map(m)) => (m, &ident[0]),
                _ => return false,
            },
            [Arg::Variable { ident, .. }] if ident.len() == 2 => {
                match innermost(&self.vars, &ident[0]) {
                    Some(Val {
                        v: Some(Value::Map(m)),
                        ..
                    }) => (m, &ident[1]),
                    _ => return false,
                }
            }
            _ => return false,
        };
        let out = &mut *self.out;
        let written = map.with(key, |v| match v {
            Some(Value::String(s)) => {
                out.push_str(s);
                true
            }
            _ => false,
        });
        // The step eval_command would have counted.
        self.steps += u64::from(written);
        written
    }

    fn not_a_function(&self, args: &[Arg], fin: &Final) -> R<()> {
        if args.len() > 1 || matches!(fin, Final::Given(_)) {
            return Err(self.err(format!("can't give argument to non-function {}", args[0])));
        }
        Ok(())
    }

    fn eval_command(&mut self, dot: &Val, cmd: &'t CommandNode, fin: Final) -> R<Val> {
        self.step()?;
        let first = &cmd.args[0];
        match first {
            Arg::Field { ident, .. } => {
                self.at(At::Arg(first));
                return self.eval_field_chain(dot, dot, first, ident, Some(&cmd.args), fin);
            }
            Arg::Chain { node, fields, .. } => {
                return self.eval_chain(dot, first, node, fields, Some(&cmd.args), fin)
            }
            Arg::Identifier { name, .. } => {
                return self.eval_function(dot, first, name, At::Cmd(cmd), Some(&cmd.args), fin)
            }
            Arg::Pipe(p) => {
                self.not_a_function(&cmd.args, &fin)?;
                return self.eval_pipeline(dot, p);
            }
            Arg::Variable { ident, .. } => {
                return self.eval_variable(dot, first, ident, Some(&cmd.args), fin)
            }
            _ => {}
        }
        self.at(At::Arg(first));
        self.not_a_function(&cmd.args, &fin)?;
        match first {
            Arg::Bool { val, .. } => Ok(Val::concrete(Value::Bool(*val))),
            Arg::Dot { .. } => Ok(dot.clone()),
            Arg::Nil { .. } => Err(self.err("nil is not a command")),
            Arg::Number(n) => self.ideal_constant(first, n).map(Val::concrete),
            Arg::String { text, .. } => Ok(Val::concrete(Value::String(text.clone()))),
            _ => Err(self.err(format!(
                "can't evaluate command {}",
                gofmt::quote(&first.to_string())
            ))),
        }
    }

    fn ideal_constant(&mut self, at: &'t Arg, n: &NumberNode) -> R<Value> {
        self.at(At::Arg(at));
        let text = &*n.text;
        let is_hex_int = text.len() > 2
            && text.starts_with('0')
            && matches!(text.as_bytes()[1], b'x' | b'X')
            && !text.contains(['p', 'P']);
        let is_rune = text.starts_with('\'');
        if n.is_complex {
            let (re, im) = n.complex128;
            return Ok(Value::Object(Arc::new(Complex { re, im })));
        }
        if n.is_float && !is_hex_int && !is_rune && text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Ok(Value::Float(n.float64));
        }
        if n.is_int {
            return Ok(Value::Int(n.int64));
        }
        if n.is_uint {
            return Err(self.err(format!("{text} overflows int")));
        }
        Ok(Value::Nil)
    }

    fn eval_chain(
        &mut self,
        dot: &Val,
        chain: &'t Arg,
        node: &'t Arg,
        fields: &'t [Box<str>],
        args: Option<&'t [Arg]>,
        fin: Final,
    ) -> R<Val> {
        self.at(At::Arg(chain));
        if let Arg::Nil { .. } = node {
            return Err(self.err(format!("indirection through explicit nil in {chain}")));
        }
        let recv = self.eval_arg_untyped(dot, node)?;
        self.eval_field_chain(dot, &recv, chain, fields, args, fin)
    }

    fn eval_variable(
        &mut self,
        dot: &Val,
        var: &'t Arg,
        ident: &'t [Box<str>],
        args: Option<&'t [Arg]>,
        fin: Final,
    ) -> R<Val> {
        self.at(At::Arg(var));
        if let Some(field) = self.map_var_field(ident, args, &fin) {
            let field = field?;
            return match &ident[2..] {
                [] => Ok(field),
                rest => self.eval_field_chain(dot, &field, var, rest, args, fin),
            };
        }
        let value = self.var_value(&ident[0])?;
        if ident.len() == 1 {
            if let Some(args) = args {
                self.not_a_function(args, &fin)?;
            } else if let Final::Given(_) = fin {
                return Err(self.err(format!("can't give argument to non-function {var}")));
            }
            return Ok(value);
        }
        self.eval_field_chain(dot, &value, var, &ident[1..], args, fin)
    }

    /// `$x.key...` where `$x` holds a map and nothing is called: the value at `key`, looked up
    /// without cloning the variable (what [`State::eval_field`] gives for a map).
    fn map_var_field(
        &self,
        ident: &[Box<str>],
        args: Option<&[Arg]>,
        fin: &Final,
    ) -> Option<R<Val>> {
        let called = args.is_some_and(|a| a.len() > 1) || matches!(fin, Final::Given(_));
        let [name, key, ..] = ident else { return None };
        if called {
            return None;
        }
        match innermost(&self.vars, name) {
            Some(Val {
                v: Some(Value::Map(m)),
                ..
            }) => Some(Ok(match m.get(key) {
                Some(v) => Val::elem(v),
                None => Val::MISSING,
            })),
            Some(_) => None,
            None => Some(Err(self.err(format!("undefined variable: {name}")))),
        }
    }

    fn eval_field_chain(
        &mut self,
        dot: &Val,
        recv: &Val,
        node: &'t Arg,
        ident: &'t [Box<str>],
        args: Option<&'t [Arg]>,
        fin: Final,
    ) -> R<Val> {
        let n = ident.len();
        if n == 1 {
            return self.eval_field(dot, &ident[0], node, args, fin, recv);
        }
        let mut cur = self.eval_field(dot, &ident[0], node, None, Final::Absent, recv)?;
        for id in &ident[1..n - 1] {
            cur = self.eval_field(dot, id, node, None, Final::Absent, &cur)?;
        }
        self.eval_field(dot, &ident[n - 1], node, args, fin, &cur)
    }

    fn eval_field(
        &mut self,
        dot: &Val,
        name: &str,
        node: &'t Arg,
        args: Option<&'t [Arg]>,
        fin: Final,
        recv: &Val,
    ) -> R<Val> {
        let Some(rv) = &recv.v else {
            return Ok(Val::MISSING);
        };
        let has_args = args.is_some_and(|a| a.len() > 1) || matches!(fin, Final::Given(_));
        match rv {
            Value::Nil => Err(self.err(format!(
                "nil pointer evaluating {}.{name}",
                recv.type_name()
            ))),
            Value::Map(m) => {
                if has_args {
                    return Err(self.err(format!("{name} is not a method but has arguments")));
                }
                Ok(match m.get(name) {
                    Some(v) => Val::elem(v),
                    None => Val::MISSING,
                })
            }
            Value::Object(o) => {
                let o = o.clone();
                if o.is_method(name) {
                    let call_args = args.map(|a| &a[1..]).unwrap_or(&[]);
                    let mut argv = Vec::with_capacity(call_args.len() + 1);
                    for a in call_args {
                        let v = self.eval_arg(dot, P::T(Ty::Any), a)?;
                        argv.push(v.v.unwrap_or(Value::Nil));
                    }
                    if let Final::Given(f) = fin {
                        argv.push(f.v.unwrap_or(Value::Nil));
                    }
                    return match o.member(name, &argv) {
                        Some(Ok(v)) => Ok(Val::concrete(v)),
                        Some(Err(e)) => {
                            self.at(At::Arg(node));
                            Err(self.func_err(name, e))
                        }
                        None => Err(self.err(format!(
                            "can't evaluate field {name} in type {}",
                            recv.type_name()
                        ))),
                    };
                }
                match o.member(name, &[]) {
                    Some(Ok(v)) => {
                        if has_args {
                            return Err(self.err(format!(
                                "{name} has arguments but cannot be invoked as function"
                            )));
                        }
                        Ok(Val::concrete(v))
                    }
                    Some(Err(e)) => Err(self.func_err(name, e)),
                    None => Err(self.err(format!(
                        "can't evaluate field {name} in type {}",
                        recv.type_name()
                    ))),
                }
            }
            _ => Err(self.err(format!(
                "can't evaluate field {name} in type {}",
                recv.type_name()
            ))),
        }
    }

    fn func_err(&self, name: &str, e: FuncError) -> Box<TemplateError> {
        match e {
            FuncError::Failed(m) => self.err(format!("error calling {name}: {m}")),
            FuncError::Limit(m) => self.limit(format!("error calling {name}: {m}")),
        }
    }

    fn eval_function(
        &mut self,
        dot: &Val,
        node: &'t Arg,
        name: &str,
        cmd: At<'t>,
        args: Option<&'t [Arg]>,
        fin: Final,
    ) -> R<Val> {
        self.at(At::Arg(node));
        match node {
            Arg::Identifier {
                callee: Callee(CalleeKind::Func(f)),
                ..
            } => self.eval_user_call(dot, f, name, cmd, args, fin),
            Arg::Identifier {
                callee: Callee(CalleeKind::Builtin(b)),
                ..
            } => self.eval_builtin_call(dot, *b, name, cmd, args, fin),
            _ => Err(self.err(format!("{} is not a defined function", gofmt::quote(name)))),
        }
    }

    /// Checks the argument count as Go's `evalCall` does; returns the number of fixed parameters.
    fn check_arity(
        &self,
        name: &str,
        n_params: usize,
        variadic: bool,
        n_args: usize,
        fin: &Final,
    ) -> R<usize> {
        let num_in = n_args + usize::from(matches!(fin, Final::Given(_)));
        if variadic {
            if num_in < n_params {
                return Err(self.err(format!(
                    "wrong number of args for {name}: want at least {n_params} got {n_args}"
                )));
            }
            Ok(n_params)
        } else {
            if num_in != n_params {
                return Err(self.err(format!(
                    "wrong number of args for {name}: want {n_params} got {num_in}"
                )));
            }
            Ok(n_args)
        }
    }

    /// Evaluates the arguments of a call against parameter types (`params` fixed, then
    /// `variadic`), then the final piped value, onto `self.args`; returns where they start
    /// (the caller truncates back to it after the call).
    fn eval_call_args(
        &mut self,
        dot: &Val,
        params: Params<'_>,
        variadic: Option<P>,
        args: &'t [Arg],
        fin: Final,
    ) -> R<usize> {
        let n_fixed = if variadic.is_some() {
            params.len()
        } else {
            args.len()
        };
        let num_in = args.len() + usize::from(matches!(fin, Final::Given(_)));
        let base = self.args.len();
        let mut i = 0;
        while i < n_fixed && i < args.len() {
            let v = self.eval_arg(dot, params.get(i), &args[i])?;
            self.args.push(v);
            i += 1;
        }
        if let Some(vt) = variadic {
            while i < args.len() {
                let v = self.eval_arg(dot, vt, &args[i])?;
                self.args.push(v);
                i += 1;
            }
        }
        if let Final::Given(f) = fin {
            let t = match variadic {
                Some(vt) => {
                    if num_in - 1 < n_fixed {
                        params.get(num_in - 1)
                    } else {
                        vt
                    }
                }
                None => params.get(params.len() - 1),
            };
            let v = self.validate_type(f, t)?;
            self.args.push(v);
        }
        Ok(base)
    }

    fn eval_user_call(
        &mut self,
        dot: &Val,
        f: &'t Func,
        name: &str,
        cmd: At<'t>,
        args: Option<&'t [Arg]>,
        fin: Final,
    ) -> R<Val> {
        let args = args.map(|a| &a[1..]).unwrap_or(&[]);
        self.check_arity(
            name,
            f.params().len(),
            f.variadic().is_some(),
            args.len(),
            &fin,
        )?;
        let base = self.eval_call_args(
            dot,
            Params::Go(f.params()),
            f.variadic().map(P::T),
            args,
            fin,
        )?;
        let vbase = self.move_args_to_values(base);
        self.step()?;
        let mut ctx = CallContext {
            clock: &*self.ex.providers.clock,
            env: &*self.ex.providers.env,
            random: &mut *self.random,
            limits: self.ex.limits,
            stored_maps: &mut self.stored_maps,
        };
        let result = f.call(&mut ctx, &self.values[vbase..]);
        self.values.truncate(vbase);
        match result {
            Ok(v) => Ok(Val {
                v: Some(v),
                iface: false,
            }),
            Err(e) => {
                self.at(cmd);
                Err(self.func_err(name, e))
            }
        }
    }

    fn eval_builtin_call(
        &mut self,
        dot: &Val,
        b: Builtin,
        name: &str,
        cmd: At<'t>,
        args: Option<&'t [Arg]>,
        fin: Final,
    ) -> R<Val> {
        let args = args.map(|a| &a[1..]).unwrap_or(&[]);
        if let Builtin::And | Builtin::Or = b {
            let (params, variadic) = b.signature();
            self.check_arity(name, params.len(), variadic.is_some(), args.len(), &fin)?;
            let want = matches!(b, Builtin::Or);
            let mut v = Val::MISSING;
            for a in args {
                v = self.eval_arg(dot, P::Reflect, a)?;
                if builtins::truth(&v) == want {
                    return Ok(v);
                }
            }
            if let Final::Given(f) = fin {
                v = self.validate_type(f, P::Reflect)?;
            }
            return Ok(v);
        }
        let base = self.builtin_args(dot, b, name, args, fin)?;
        let result = builtins::call(b, &self.args[base..], self.ex.limits);
        self.args.truncate(base);
        match result {
            Ok(v) => Ok(v),
            Err(e) => {
                self.at(cmd);
                Err(self.func_err(name, e))
            }
        }
    }

    /// Moves the arguments from `base` on to `self.values` as plain values (invalid → nil), for
    /// a function that takes `&[Value]`; returns where they start there.
    fn move_args_to_values(&mut self, base: usize) -> usize {
        let vbase = self.values.len();
        let argv = self.args.drain(base..).map(|v| v.v.unwrap_or(Value::Nil));
        self.values.extend(argv);
        vbase
    }

    /// Checks the arity of a built-in (other than `and`/`or`) and evaluates its arguments onto
    /// `self.args`; returns where they start.
    fn builtin_args(
        &mut self,
        dot: &Val,
        b: Builtin,
        name: &str,
        args: &'t [Arg],
        fin: Final,
    ) -> R<usize> {
        let (params, variadic) = b.signature();
        self.check_arity(name, params.len(), variadic.is_some(), args.len(), &fin)?;
        let base = self.eval_call_args(dot, Params::Builtin(params), variadic, args, fin)?;
        self.step()?;
        Ok(base)
    }

    // ---- arguments -------------------------------------------------------------------------

    /// Go's `evalArg` with a nil type (chain receivers): the value as is.
    fn eval_arg_untyped(&mut self, dot: &Val, n: &'t Arg) -> R<Val> {
        self.at(At::Arg(n));
        match n {
            Arg::Dot { .. } => Ok(dot.clone()),
            Arg::Field { ident, .. } => self.eval_field_chain(
                dot,
                dot,
                n,
                ident,
                Some(std::slice::from_ref(n)),
                Final::Absent,
            ),
            Arg::Variable { ident, .. } => self.eval_variable(dot, n, ident, None, Final::Absent),
            Arg::Pipe(p) => self.eval_pipeline(dot, p),
            Arg::Identifier { name, .. } => {
                self.eval_function(dot, n, name, At::Arg(n), None, Final::Absent)
            }
            Arg::Chain { node, fields, .. } => {
                self.eval_chain(dot, n, node, fields, None, Final::Absent)
            }
            _ => Err(self.err(format!("can't handle {n} for arg of type <nil>"))),
        }
        .map(|v| match v.v {
            None => Val::MISSING,
            Some(_) => v,
        })
    }

    fn eval_arg(&mut self, dot: &Val, typ: P, n: &'t Arg) -> R<Val> {
        self.at(At::Arg(n));
        let v = match n {
            Arg::Dot { .. } => dot.clone(),
            Arg::Nil { .. } => {
                return match typ {
                    P::Reflect => Ok(Val::MISSING),
                    P::T(t) => match zero_of_nilable(t) {
                        Some(z) => Ok(Val::concrete(z)),
                        None => Err(self.err(format!("cannot assign nil to {}", t.go_name()))),
                    },
                };
            }
            Arg::Field { ident, .. } => {
                self.at(At::Arg(n));
                self.eval_field_chain(
                    dot,
                    dot,
                    n,
                    ident,
                    Some(std::slice::from_ref(n)),
                    Final::Absent,
                )?
            }
            Arg::Variable { ident, .. } => {
                self.eval_variable(dot, n, ident, None, Final::Absent)?
            }
            Arg::Pipe(p) => self.eval_pipeline(dot, p)?,
            Arg::Identifier { name, .. } => {
                self.eval_function(dot, n, name, At::Arg(n), None, Final::Absent)?
            }
            Arg::Chain { node, fields, .. } => {
                self.eval_chain(dot, n, node, fields, None, Final::Absent)?
            }
            _ => return self.eval_literal(typ, n),
        };
        self.validate_type(v, typ)
    }

    fn eval_literal(&mut self, typ: P, n: &'t Arg) -> R<Val> {
        let t = match typ {
            P::Reflect | P::T(Ty::Any) => return self.eval_empty_interface(n),
            P::T(t) => t,
        };
        let v = match (t, n) {
            (Ty::Bool, Arg::Bool { val, .. }) => Value::Bool(*val),
            (Ty::Bool, _) => return Err(self.err(format!("expected bool; found {n}"))),
            (Ty::String, Arg::String { text, .. }) => Value::String(text.clone()),
            (Ty::String, _) => return Err(self.err(format!("expected string; found {n}"))),
            (Ty::Int | Ty::Int64, Arg::Number(num)) if num.is_int => {
                if t == Ty::Int {
                    Value::Int(num.int64)
                } else {
                    Value::Int64(num.int64)
                }
            }
            (Ty::Int | Ty::Int64, _) => {
                return Err(self.err(format!("expected integer; found {n}")))
            }
            (Ty::Uint, Arg::Number(num)) if num.is_uint => Value::Uint(num.uint64),
            (Ty::Uint, _) => return Err(self.err(format!("expected unsigned integer; found {n}"))),
            (Ty::Float64, Arg::Number(num)) if num.is_float => Value::Float(num.float64),
            (Ty::Float64, _) => return Err(self.err(format!("expected float; found {n}"))),
            _ => return Err(self.err(format!("can't handle {n} for arg of type {}", t.go_name()))),
        };
        Ok(Val::concrete(v))
    }

    fn eval_empty_interface(&mut self, n: &'t Arg) -> R<Val> {
        match n {
            Arg::Bool { val, .. } => Ok(Val::concrete(Value::Bool(*val))),
            Arg::Number(num) => self.ideal_constant(n, num).map(Val::concrete),
            Arg::String { text, .. } => Ok(Val::concrete(Value::String(text.clone()))),
            _ => Err(self.err(format!(
                "can't handle assignment of {n} to empty interface argument"
            ))),
        }
    }

    /// Go's `validateType`.
    fn validate_type(&self, v: Val, typ: P) -> R<Val> {
        let t = match typ {
            P::Reflect => return Ok(v),
            P::T(t) => t,
        };
        let Some(value) = &v.v else {
            return match zero_of_nilable(t) {
                Some(z) => Ok(Val::concrete(z)),
                None => Err(self.err(format!("invalid value; expected {}", t.go_name()))),
            };
        };
        let ok = match (t, value) {
            (Ty::Any, _) => true,
            (_, Value::Nil) => false,
            (Ty::String, Value::String(_))
            | (Ty::Bool, Value::Bool(_))
            | (Ty::Int, Value::Int(_))
            | (Ty::Int64, Value::Int64(_))
            | (Ty::Uint, Value::Uint(_))
            | (Ty::Float64, Value::Float(_))
            | (Ty::List, Value::List(_))
            | (Ty::Map, Value::Map(_)) => true,
            (Ty::Object(name), Value::Object(o)) => o.type_name() == name,
            _ => false,
        };
        if ok {
            return Ok(Val::concrete(value.clone()));
        }
        let got = if matches!(value, Value::Nil) {
            "interface {}"
        } else {
            value.type_name()
        };
        Err(self.err(format!(
            "wrong type for value; expected {}; got {got}",
            t.go_name()
        )))
    }
}

/// The fixed parameter types of a call: a function's Go types, or a built-in's.
#[derive(Clone, Copy)]
enum Params<'a> {
    Go(&'a [Ty]),
    Builtin(&'a [P]),
}

impl Params<'_> {
    fn len(self) -> usize {
        match self {
            Params::Go(p) => p.len(),
            Params::Builtin(p) => p.len(),
        }
    }

    fn get(self, i: usize) -> P {
        match self {
            Params::Go(p) => P::T(p[i]),
            Params::Builtin(p) => p[i],
        }
    }
}

/// Stack left below which a nested list or pipeline continues on a new stack segment.
const STACK_RED_ZONE: usize = 128 << 10;
/// Size of each new segment (taken from the heap, freed on return).
const STACK_SEGMENT: usize = 2 << 20;

/// Runs one level of template recursion. The limits bound nesting within a template and the depth
/// of `{{template}}` calls, but not their product, which can exceed the caller's thread stack (a
/// Python or Node thread, a 2 MiB test thread): rather than overflow, execution moves onto a
/// fresh heap-allocated segment whenever the current stack runs low.
fn with_stack<T>(f: impl FnOnce() -> T) -> T {
    stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, f)
}

/// The innermost variable of that name. (A function of the list, not of the state, so that the
/// output can be written while a variable is borrowed.)
fn innermost<'v>(vars: &'v [(&str, Val)], name: &str) -> Option<&'v Val> {
    let found = vars.iter().rev().find(|(n, _)| same_name(n, name));
    found.map(|(_, v)| v)
}

/// The zero value Go substitutes for nil in a parameter of type `t`, if `t` can be nil.
fn zero_of_nilable(t: Ty) -> Option<Value> {
    match t {
        Ty::Any => Some(Value::Nil),
        Ty::List => Some(Value::list(vec![])),
        Ty::Map => Some(Value::Map(MapRef::nil())),
        _ => None,
    }
}
