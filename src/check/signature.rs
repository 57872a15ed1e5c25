//! Binding of call arguments to the parameters of a layer kind or option list.

use std::collections::HashMap;

use super::error::CheckError;
use crate::syntax::ast::{Call, Expr};

/// Parameters of a call: positional ones (also accepted by name) and named-only ones.
pub struct Signature {
    pub name: &'static str,
    /// Positional parameters, in order; all are required.
    pub positional: &'static [&'static str],
    /// Optional parameters, accepted only by name.
    pub named: &'static [&'static str],
    /// A correct call, shown in help messages.
    pub usage: &'static str,
}

/// Arguments bound to parameter names.
pub struct Bound<'a> {
    pub values: HashMap<&'static str, &'a Expr>,
}

impl<'a> Bound<'a> {
    pub fn get(&self, name: &str) -> Option<&'a Expr> {
        self.values.get(name).copied()
    }
}

impl Signature {
    /// Binds a call's arguments, reporting extra, unknown, repeated and missing ones.
    pub fn bind<'a>(&self, call: &'a Call) -> Result<Bound<'a>, CheckError> {
        let mut values = HashMap::new();
        let mut next_positional = 0;
        for argument in &call.args {
            let parameter = match &argument.name {
                None => {
                    let Some(parameter) = self.positional.get(next_positional) else {
                        return Err(self.unexpected(argument.span));
                    };
                    next_positional += 1;
                    *parameter
                }
                Some(name) => {
                    let known = self
                        .positional
                        .iter()
                        .chain(self.named)
                        .find(|parameter| **parameter == name.name);
                    match known {
                        Some(parameter) => *parameter,
                        None => {
                            return Err(CheckError::UnknownOption {
                                option: name.name.clone(),
                                context: format!("`{}`", self.name),
                                span: name.span,
                                valid: self.option_names(),
                            });
                        }
                    }
                }
            };
            if values.insert(parameter, &argument.value).is_some() {
                return Err(self.unexpected(argument.span));
            }
        }
        if let Some(missing) = self
            .positional
            .iter()
            .find(|parameter| !values.contains_key(*parameter))
        {
            return Err(CheckError::MissingArgument {
                call: self.name.to_string(),
                argument: missing,
                span: call.span,
                usage: self.usage,
            });
        }
        Ok(Bound { values })
    }

    /// Returns the names an unknown named argument is checked against: the options, with
    /// the positional parameters that may also be named. A call without options, such as
    /// `measure(q)`, returns none, so that its message states that it takes no options.
    fn option_names(&self) -> Vec<&'static str> {
        if self.named.is_empty() {
            return Vec::new();
        }
        self.positional.iter().chain(self.named).copied().collect()
    }

    fn unexpected(&self, span: crate::source::Span) -> CheckError {
        CheckError::UnexpectedArgument {
            call: self.name.to_string(),
            span,
            usage: self.usage,
        }
    }
}
