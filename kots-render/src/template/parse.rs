//! The parser: Go's `text/template/parse/parse.go`, including its three-token lookahead, so that
//! error messages quote the same line Go quotes. Produces one [`Tree`] per template (`define` and
//! `block` add trees to the set).

use std::collections::HashMap;
use std::sync::Arc;

use super::complex;
use super::lexer::{Item, ItemType, Lexer};
use super::node::{
    Arg, BranchNode, Callee, CommandNode, ListNode, Node, NumberNode, PipeNode, VarRef,
};
use super::strconv;

/// A parsed template body.
#[derive(Clone, Debug)]
pub struct Tree {
    /// The template's name (`define "name"`).
    pub name: Arc<str>,
    /// The name of the top-level template whose source contained it (for error locations).
    pub parse_name: Arc<str>,
    /// The body.
    pub root: ListNode,
    /// The full source text it was parsed from (for error locations).
    pub text: Arc<str>,
}

/// A parse failure, already formatted as Go formats it: `template: NAME:LINE: MESSAGE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseFailure {
    pub line: usize,
    pub message: String,
}

type PResult<T> = Result<T, ParseFailure>;

/// Per-tree state that `define`/`block` bodies get fresh, as Go's new `Tree`s do.
struct TreeState {
    name: Arc<str>,
    vars: Vec<Box<str>>,
    action_line: usize,
    range_depth: usize,
}

pub(crate) struct Parser<'s, 'f> {
    parse_name: Arc<str>,
    text: Arc<str>,
    lex: Lexer<'s>,
    token: [Item<'s>; 3],
    peek_count: usize,
    st: TreeState,
    resolve: &'f dyn Fn(&str) -> Option<Callee>,
    trees: HashMap<Arc<str>, Tree>,
    depth: usize,
    max_depth: usize,
}

fn empty_item<'s>() -> Item<'s> {
    Item {
        typ: ItemType::Eof,
        pos: 0,
        val: "".into(),
        line: 0,
    }
}

/// Parses `text` as the template `name` with delimiters `left`/`right` (empty = `{{`/`}}`).
/// `resolve` finds the function a name refers to (the func map, then Go's built-ins).
pub(crate) fn parse(
    name: &str,
    text: &str,
    left: &str,
    right: &str,
    resolve: &dyn Fn(&str) -> Option<Callee>,
    max_depth: usize,
) -> PResult<HashMap<Arc<str>, Tree>> {
    let name: Arc<str> = name.into();
    let has_func = |name: &str| resolve(name).is_some();
    let lex = Lexer::new(text, left, right, !has_func("break"), !has_func("continue"));
    let mut p = Parser {
        parse_name: name.clone(),
        text: text.into(),
        lex,
        token: [empty_item(), empty_item(), empty_item()],
        peek_count: 0,
        st: TreeState {
            name,
            vars: vec!["$".into()],
            action_line: 0,
            range_depth: 0,
        },
        resolve,
        trees: HashMap::new(),
        depth: 0,
        max_depth,
    };
    let root = p.parse_top()?;
    p.add(root)?;
    Ok(p.trees)
}

/// Go's `IsEmptyTree`: only whitespace text (and comments).
pub(crate) fn is_empty_tree(list: &ListNode) -> bool {
    list.nodes.iter().all(|n| match n {
        Node::Text { text, .. } => text
            .trim_matches(|c: char| c.is_ascii_whitespace() || c == '\u{85}' || c == '\u{a0}')
            .is_empty(),
        _ => false,
    })
}

/// The end of an item list: `{{end}}` or `{{else}}`, which `itemList` hands back to its caller.
enum Ctl {
    Node(Node),
    End,
    Else(usize),
}

impl<'s> Parser<'s, '_> {
    fn errorf(&self, msg: impl Into<String>) -> ParseFailure {
        let line = self.token[0].line;
        ParseFailure {
            line,
            message: format!("template: {}:{}: {}", self.parse_name, line, msg.into()),
        }
    }

    fn next(&mut self) -> Item<'s> {
        if self.peek_count > 0 {
            self.peek_count -= 1;
        } else {
            self.token[0] = self.lex.next_item();
        }
        self.token[self.peek_count].clone()
    }

    fn backup(&mut self) {
        self.peek_count += 1;
    }

    fn backup2(&mut self, t1: Item<'s>) {
        self.token[1] = t1;
        self.peek_count = 2;
    }

    fn backup3(&mut self, t2: Item<'s>, t1: Item<'s>) {
        self.token[1] = t1;
        self.token[2] = t2;
        self.peek_count = 3;
    }

    fn peek(&mut self) -> Item<'s> {
        if self.peek_count > 0 {
            return self.token[self.peek_count - 1].clone();
        }
        self.peek_count = 1;
        self.token[0] = self.lex.next_item();
        self.token[0].clone()
    }

    fn next_non_space(&mut self) -> Item<'s> {
        loop {
            let t = self.next();
            if t.typ != ItemType::Space {
                return t;
            }
        }
    }

    fn peek_non_space(&mut self) -> Item<'s> {
        let t = self.next_non_space();
        self.backup();
        t
    }

    fn expect(&mut self, expected: ItemType, context: &str) -> PResult<Item<'s>> {
        let t = self.next_non_space();
        if t.typ != expected {
            return Err(self.unexpected(&t, context));
        }
        Ok(t)
    }

    fn unexpected(&self, token: &Item<'_>, context: &str) -> ParseFailure {
        if token.typ == ItemType::Error {
            let mut extra = String::new();
            if self.st.action_line != 0 && self.st.action_line != token.line {
                extra = format!(
                    " in action started at {}:{}",
                    self.parse_name, self.st.action_line
                );
                if token.val.ends_with(" action") {
                    extra = extra[" in action".len()..].to_string();
                }
            }
            return self.errorf(format!("{}{}", token.describe(), extra));
        }
        self.errorf(format!("unexpected {} in {}", token.describe(), context))
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > self.max_depth {
            return Err(self.errorf(format!("nesting too deep (limit {})", self.max_depth)));
        }
        Ok(())
    }

    fn add(&mut self, root: ListNode) -> PResult<()> {
        let name = self.st.name.clone();
        match self.trees.get(&name) {
            Some(existing) if !is_empty_tree(&existing.root) => {
                if !is_empty_tree(&root) {
                    return Err(self.errorf(format!(
                        "template: multiple definition of template {}",
                        super::gofmt::quote(&name)
                    )));
                }
            }
            _ => {
                let tree = Tree {
                    name: name.clone(),
                    parse_name: self.parse_name.clone(),
                    root,
                    text: self.text.clone(),
                };
                self.trees.insert(name, tree);
            }
        }
        Ok(())
    }

    fn parse_top(&mut self) -> PResult<ListNode> {
        let mut root = ListNode {
            pos: self.peek().pos,
            nodes: vec![],
        };
        while self.peek().typ != ItemType::Eof {
            if self.peek().typ == ItemType::LeftDelim {
                let delim = self.next();
                if self.next_non_space().typ == ItemType::Define {
                    self.parse_definition()?;
                    continue;
                }
                self.backup2(delim);
            }
            match self.text_or_action()? {
                Ctl::End => return Err(self.errorf("unexpected {{end}}")),
                Ctl::Else(_) => return Err(self.errorf("unexpected {{else}}")),
                Ctl::Node(n) => root.nodes.push(n),
            }
        }
        Ok(root)
    }

    fn fresh_state(&mut self, name: Arc<str>) -> TreeState {
        std::mem::replace(
            &mut self.st,
            TreeState {
                name,
                vars: vec!["$".into()],
                action_line: 0,
                range_depth: 0,
            },
        )
    }

    fn parse_definition(&mut self) -> PResult<()> {
        const CONTEXT: &str = "define clause";
        let saved = self.fresh_state("definition".into());
        let r = self.definition_body(CONTEXT);
        self.st = saved;
        r
    }

    fn definition_body(&mut self, context: &str) -> PResult<()> {
        let name = self.next_non_space();
        if name.typ != ItemType::String && name.typ != ItemType::RawString {
            return Err(self.unexpected(&name, context));
        }
        let unquoted = strconv::unquote(&name.val).map_err(|e| self.errorf(e))?;
        self.st.name = unquoted.into();
        self.expect(ItemType::RightDelim, context)?;
        let (list, end) = self.item_list()?;
        if !matches!(end, Ctl::End) {
            return Err(self.errorf(format!("unexpected {} in {}", ctl_str(&end), context)));
        }
        self.add(list)
    }

    fn item_list(&mut self) -> PResult<(ListNode, Ctl)> {
        let mut list = ListNode {
            pos: self.peek_non_space().pos,
            nodes: vec![],
        };
        while self.peek_non_space().typ != ItemType::Eof {
            match self.text_or_action()? {
                Ctl::Node(n) => list.nodes.push(n),
                end => return Ok((list, end)),
            }
        }
        Err(self.errorf("unexpected EOF"))
    }

    fn text_or_action(&mut self) -> PResult<Ctl> {
        let token = self.next_non_space();
        match token.typ {
            ItemType::Text => Ok(Ctl::Node(Node::Text {
                pos: token.pos,
                text: token.val.as_ref().into(),
            })),
            ItemType::LeftDelim => {
                self.st.action_line = token.line;
                let r = self.action();
                self.st.action_line = 0;
                r
            }
            _ => Err(self.unexpected(&token, "input")),
        }
    }

    fn action(&mut self) -> PResult<Ctl> {
        let token = self.next_non_space();
        match token.typ {
            ItemType::Block => return self.block_control().map(Ctl::Node),
            ItemType::Break | ItemType::Continue => {
                let is_break = token.typ == ItemType::Break;
                let what = if is_break {
                    "{{break}}"
                } else {
                    "{{continue}}"
                };
                let t = self.next_non_space();
                if t.typ != ItemType::RightDelim {
                    return Err(self.unexpected(&t, what));
                }
                if self.st.range_depth == 0 {
                    return Err(self.errorf(format!("{what} outside {{{{range}}}}")));
                }
                return Ok(Ctl::Node(if is_break {
                    Node::Break { pos: token.pos }
                } else {
                    Node::Continue { pos: token.pos }
                }));
            }
            ItemType::Else => return self.else_control(),
            ItemType::End => {
                self.expect(ItemType::RightDelim, "end")?;
                return Ok(Ctl::End);
            }
            ItemType::If => return self.branch("if").map(Ctl::Node),
            ItemType::Range => return self.branch("range").map(Ctl::Node),
            ItemType::With => return self.branch("with").map(Ctl::Node),
            ItemType::Template => return self.template_control().map(Ctl::Node),
            _ => {}
        }
        self.backup();
        let token = self.peek();
        let pipe = self.pipeline("command", ItemType::RightDelim)?;
        Ok(Ctl::Node(Node::Action {
            pos: token.pos,
            pipe,
        }))
    }

    fn else_control(&mut self) -> PResult<Ctl> {
        let peek = self.peek_non_space();
        if peek.typ == ItemType::If || peek.typ == ItemType::With {
            return Ok(Ctl::Else(peek.pos));
        }
        let t = self.expect(ItemType::RightDelim, "else")?;
        Ok(Ctl::Else(t.pos))
    }

    fn pipeline(&mut self, context: &str, end: ItemType) -> PResult<PipeNode> {
        self.enter()?;
        let r = self.pipeline_inner(context, end);
        self.depth -= 1;
        r
    }

    fn pipeline_inner(&mut self, context: &str, end: ItemType) -> PResult<PipeNode> {
        let token = self.peek_non_space();
        let mut pipe = PipeNode {
            pos: token.pos,
            is_assign: false,
            decl: vec![],
            cmds: vec![],
        };
        'decls: loop {
            let v = self.peek_non_space();
            if v.typ != ItemType::Variable {
                break;
            }
            self.next();
            let after = self.peek();
            let next = self.peek_non_space();
            if next.typ == ItemType::Assign || next.typ == ItemType::Declare {
                pipe.is_assign = next.typ == ItemType::Assign;
                self.next_non_space();
                pipe.decl.push(VarRef {
                    pos: v.pos,
                    name: v.val.as_ref().into(),
                });
                self.st.vars.push(v.val.as_ref().into());
            } else if next.typ == ItemType::Char && next.val == "," {
                self.next_non_space();
                pipe.decl.push(VarRef {
                    pos: v.pos,
                    name: v.val.as_ref().into(),
                });
                self.st.vars.push(v.val.as_ref().into());
                if context == "range" && pipe.decl.len() < 2 {
                    match self.peek_non_space().typ {
                        ItemType::Variable | ItemType::RightDelim | ItemType::RightParen => {
                            continue 'decls
                        }
                        _ => return Err(self.errorf("range can only initialize variables")),
                    }
                }
                return Err(self.errorf(format!("too many declarations in {context}")));
            } else if after.typ == ItemType::Space {
                self.backup3(v, after);
            } else {
                self.backup2(v);
            }
            break;
        }
        loop {
            let token = self.next_non_space();
            match token.typ {
                t if t == end => {
                    self.check_pipeline(&pipe, context)?;
                    return Ok(pipe);
                }
                ItemType::Bool
                | ItemType::CharConstant
                | ItemType::Complex
                | ItemType::Dot
                | ItemType::Field
                | ItemType::Identifier
                | ItemType::Number
                | ItemType::Nil
                | ItemType::RawString
                | ItemType::String
                | ItemType::Variable
                | ItemType::LeftParen => {
                    self.backup();
                    let cmd = self.command()?;
                    pipe.cmds.push(cmd);
                }
                _ => return Err(self.unexpected(&token, context)),
            }
        }
    }

    fn check_pipeline(&self, pipe: &PipeNode, context: &str) -> PResult<()> {
        if pipe.cmds.is_empty() {
            return Err(self.errorf(format!("missing value for {context}")));
        }
        for (i, c) in pipe.cmds.iter().enumerate().skip(1) {
            if matches!(
                c.args[0],
                Arg::Bool { .. }
                    | Arg::Dot { .. }
                    | Arg::Nil { .. }
                    | Arg::Number(_)
                    | Arg::String { .. }
            ) {
                return Err(self.errorf(format!(
                    "non executable command in pipeline stage {}",
                    i + 1
                )));
            }
        }
        Ok(())
    }

    fn branch(&mut self, context: &'static str) -> PResult<Node> {
        self.enter()?;
        let n_vars = self.st.vars.len();
        let r = self.parse_control(context);
        self.st.vars.truncate(n_vars);
        self.depth -= 1;
        let b = Box::new(r?);
        Ok(match context {
            "if" => Node::If(b),
            "range" => Node::Range(b),
            _ => Node::With(b),
        })
    }

    fn parse_control(&mut self, context: &'static str) -> PResult<BranchNode> {
        let pipe = self.pipeline(context, ItemType::RightDelim)?;
        if context == "range" {
            self.st.range_depth += 1;
        }
        let r = self.item_list();
        if context == "range" {
            self.st.range_depth -= 1;
        }
        let (list, next) = r?;
        let mut else_list = None;
        if let Ctl::Else(else_pos) = next {
            let chained = match context {
                "if" if self.peek().typ == ItemType::If => Some("if"),
                "with" if self.peek().typ == ItemType::With => Some("with"),
                _ => None,
            };
            if let Some(kind) = chained {
                self.next();
                let inner = self.branch(kind)?;
                else_list = Some(ListNode {
                    pos: else_pos,
                    nodes: vec![inner],
                });
            } else {
                let (l, next) = self.item_list()?;
                if !matches!(next, Ctl::End) {
                    return Err(self.errorf(format!("expected end; found {}", ctl_str(&next))));
                }
                else_list = Some(l);
            }
        }
        Ok(BranchNode {
            pos: pipe.pos,
            pipe,
            list,
            else_list,
        })
    }

    fn parse_template_name(&mut self, token: &Item<'_>, context: &str) -> PResult<String> {
        match token.typ {
            ItemType::String | ItemType::RawString => {
                strconv::unquote(&token.val).map_err(|e| self.errorf(e))
            }
            _ => Err(self.unexpected(token, context)),
        }
    }

    fn template_control(&mut self) -> PResult<Node> {
        const CONTEXT: &str = "template clause";
        let token = self.next_non_space();
        let name = self.parse_template_name(&token, CONTEXT)?;
        let mut pipe = None;
        if self.next_non_space().typ != ItemType::RightDelim {
            self.backup();
            pipe = Some(self.pipeline(CONTEXT, ItemType::RightDelim)?);
        }
        Ok(Node::Template {
            pos: token.pos,
            name: name.into(),
            pipe,
        })
    }

    fn block_control(&mut self) -> PResult<Node> {
        const CONTEXT: &str = "block clause";
        let token = self.next_non_space();
        let name = self.parse_template_name(&token, CONTEXT)?;
        let pipe = self.pipeline(CONTEXT, ItemType::RightDelim)?;
        let saved = self.fresh_state(name.as_str().into());
        let r = self.item_list();
        let r = match r {
            Ok((list, Ctl::End)) => self.add(list),
            Ok((_, end)) => {
                Err(self.errorf(format!("unexpected {} in {}", ctl_str(&end), CONTEXT)))
            }
            Err(e) => Err(e),
        };
        self.st = saved;
        r?;
        Ok(Node::Template {
            pos: token.pos,
            name: name.into(),
            pipe: Some(pipe),
        })
    }

    fn command(&mut self) -> PResult<CommandNode> {
        let mut cmd = CommandNode {
            pos: self.peek_non_space().pos,
            args: vec![],
        };
        loop {
            self.peek_non_space();
            if let Some(op) = self.operand()? {
                cmd.args.push(op);
            }
            let token = self.next();
            match token.typ {
                ItemType::Space => continue,
                ItemType::RightDelim | ItemType::RightParen => self.backup(),
                ItemType::Pipe => {}
                _ => return Err(self.unexpected(&token, "operand")),
            }
            break;
        }
        if cmd.args.is_empty() {
            return Err(self.errorf("empty command"));
        }
        Ok(cmd)
    }

    fn operand(&mut self) -> PResult<Option<Arg>> {
        let Some(node) = self.term()? else {
            return Ok(None);
        };
        if self.peek().typ != ItemType::Field {
            return Ok(Some(node));
        }
        let chain_pos = self.peek().pos;
        let mut fields: Vec<Box<str>> = vec![];
        while self.peek().typ == ItemType::Field {
            let f = self.next();
            fields.push(f.val[1..].into());
        }
        Ok(Some(match node {
            Arg::Field { mut ident, .. } => {
                ident.extend(fields);
                Arg::Field {
                    pos: chain_pos,
                    ident,
                }
            }
            Arg::Variable { mut ident, .. } => {
                ident.extend(fields);
                Arg::Variable {
                    pos: chain_pos,
                    ident,
                }
            }
            Arg::Bool { .. }
            | Arg::String { .. }
            | Arg::Number(_)
            | Arg::Nil { .. }
            | Arg::Dot { .. } => {
                let q = super::gofmt::quote(&node.to_string());
                return Err(self.errorf(format!("unexpected . after term {q}")));
            }
            other => Arg::Chain {
                pos: chain_pos,
                node: Box::new(other),
                fields,
            },
        }))
    }

    fn term(&mut self) -> PResult<Option<Arg>> {
        let token = self.next_non_space();
        let pos = token.pos;
        Ok(Some(match token.typ {
            ItemType::Identifier => {
                let Some(callee) = (self.resolve)(&token.val) else {
                    return Err(self.errorf(format!(
                        "function {} not defined",
                        super::gofmt::quote(&token.val)
                    )));
                };
                Arg::Identifier {
                    pos,
                    name: token.val.as_ref().into(),
                    callee,
                }
            }
            ItemType::Dot => Arg::Dot { pos },
            ItemType::Nil => Arg::Nil { pos },
            ItemType::Variable => {
                let ident: Vec<Box<str>> = token.val.split('.').map(Into::into).collect();
                if !self.st.vars.iter().any(|v| *v == ident[0]) {
                    return Err(self.errorf(format!(
                        "undefined variable {}",
                        super::gofmt::quote(&ident[0])
                    )));
                }
                Arg::Variable { pos, ident }
            }
            ItemType::Field => Arg::Field {
                pos,
                ident: token.val[1..].split('.').map(Into::into).collect(),
            },
            ItemType::Bool => Arg::Bool {
                pos,
                val: token.val == "true",
            },
            ItemType::CharConstant | ItemType::Complex | ItemType::Number => Arg::Number(Box::new(
                new_number(pos, &token.val, token.typ).map_err(|e| self.errorf(e))?,
            )),
            ItemType::LeftParen => Arg::Pipe(Box::new(
                self.pipeline("parenthesized pipeline", ItemType::RightParen)?,
            )),
            ItemType::String | ItemType::RawString => {
                let s = strconv::unquote(&token.val).map_err(|e| self.errorf(e))?;
                Arg::String {
                    pos,
                    quoted: token.val.as_ref().into(),
                    text: s.into(),
                }
            }
            _ => {
                self.backup();
                return Ok(None);
            }
        }))
    }
}

fn ctl_str(c: &Ctl) -> String {
    match c {
        Ctl::End => "{{end}}".into(),
        Ctl::Else(_) => "{{else}}".into(),
        Ctl::Node(n) => n.to_string(),
    }
}

/// Go's `simplifyComplex`: a complex constant with no imaginary part is also a float, and maybe
/// an integer.
fn simplify_complex(mut n: NumberNode, c: complex::Complex) -> NumberNode {
    n.is_complex = true;
    n.complex128 = (c.re, c.im);
    n.is_float = c.im == 0.0;
    if n.is_float {
        let f = c.re;
        n.float64 = f;
        n.is_int =
            f.fract() == 0.0 && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f);
        if n.is_int {
            n.int64 = f as i64;
        }
        n.is_uint = f.fract() == 0.0 && (0.0..1.844_674_407_370_955_2e19).contains(&f);
        if n.is_uint {
            n.uint64 = f as u64;
        }
    }
    n
}

/// Go's `newNumber`: every interpretation of a numeric literal.
fn new_number(pos: usize, text: &str, typ: ItemType) -> Result<NumberNode, String> {
    let mut n = NumberNode {
        pos,
        text: text.into(),
        ..Default::default()
    };
    if typ == ItemType::CharConstant {
        let (c, tail) = strconv::unquote_char(&text[1..], '\'').map_err(str::to_string)?;
        if tail != "'" {
            return Err(format!("malformed character constant: {text}"));
        }
        let v = c as i64;
        n.int64 = v;
        n.uint64 = v as u64;
        n.float64 = v as f64;
        n.is_int = true;
        n.is_uint = true;
        n.is_float = true;
        return Ok(n);
    }
    if typ == ItemType::Complex {
        // Go lets fmt.Sscan parse the pair.
        let c = complex::parse(text, strconv::parse_float)
            .ok_or_else(|| format!("illegal number syntax: {}", super::gofmt::quote(text)))?;
        return Ok(simplify_complex(n, c));
    }
    // Imaginary constants can only be complex unless they are zero.
    if let Some(im) = text.strip_suffix('i').and_then(strconv::parse_float) {
        return Ok(simplify_complex(n, complex::Complex { re: 0.0, im }));
    }
    if let Some(u) = strconv::parse_uint(text) {
        n.is_uint = true;
        n.uint64 = u;
    }
    if let Some(i) = strconv::parse_int(text) {
        n.is_int = true;
        n.int64 = i;
        if i == 0 {
            n.is_uint = true;
            n.uint64 = 0;
        }
    }
    if n.is_int {
        n.is_float = true;
        n.float64 = n.int64 as f64;
    } else if n.is_uint {
        n.is_float = true;
        n.float64 = n.uint64 as f64;
    } else if let Some(f) = strconv::parse_float(text) {
        if !text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Err(format!("integer overflow: {}", super::gofmt::quote(text)));
        }
        n.is_float = true;
        n.float64 = f;
        if f.fract() == 0.0 && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f) {
            n.is_int = true;
            n.int64 = f as i64;
        }
        if f.fract() == 0.0 && (0.0..1.844_674_407_370_955_2e19).contains(&f) {
            n.is_uint = true;
            n.uint64 = f as u64;
        }
    }
    if !n.is_int && !n.is_uint && !n.is_float {
        return Err(format!(
            "illegal number syntax: {}",
            super::gofmt::quote(text)
        ));
    }
    Ok(n)
}
