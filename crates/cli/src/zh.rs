//! The command line in Chinese: clap's help headings, its own flags and every error it can
//! report, so that a disclosure officer never meets an English message from the parser.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command};

/// The help page layout, with Chinese headings.
const TEMPLATE: &str = "{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}";

/// `cmd` and every subcommand with Chinese headings, templates and help flags.
pub fn localize(cmd: Command) -> Command {
    let has_subcommands = cmd.get_subcommands().next().is_some();
    let cmd = cmd
        .help_template(TEMPLATE)
        .subcommand_help_heading("命令")
        .subcommand_value_name("命令")
        .disable_help_subcommand(true)
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("显示帮助（help）")
                .global(false),
        )
        .mut_args(|a| {
            let a = chinese_hints(a);
            if a.get_help_heading().is_some() {
                a
            } else if a.is_positional() {
                a.help_heading("参数")
            } else {
                a.help_heading("选项")
            }
        });
    if has_subcommands {
        cmd.mut_subcommands(localize)
    } else {
        cmd
    }
}

/// An option's default and possible values written into its help in Chinese (`（默认：50）`,
/// `（可选：html、docx）`) instead of clap's English `[default: 50]`, `[possible values: …]`.
fn chinese_hints(a: Arg) -> Arg {
    if !a.get_action().takes_values() {
        return a;
    }
    let mut help = a.get_help().map(ToString::to_string).unwrap_or_default();
    let defaults: Vec<String> = a
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    let mut a = a;
    if !defaults.is_empty() && !a.is_hide_default_value_set() {
        // An empty default (an optional text) goes without saying.
        if defaults.iter().any(|d| !d.is_empty()) {
            help.push_str(&format!("（默认：{}）", defaults.join("、")));
        }
        a = a.hide_default_value(true);
    }
    let possible: Vec<String> = a
        .get_possible_values()
        .iter()
        .filter(|p| !p.is_hide_set())
        .map(|p| p.get_name().to_owned())
        .collect();
    if !possible.is_empty() && !a.is_hide_possible_values_set() {
        help.push_str(&format!("（可选：{}）", possible.join("、")));
        a = a.hide_possible_values(true);
    }
    a.help(help)
}

/// The top-level command: also the version flag in Chinese.
pub fn localize_root(cmd: Command) -> Command {
    localize(
        cmd.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("显示版本（version）")
                .help_heading("选项"),
        ),
    )
}

fn context(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) => Some(v.join("、")),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        ContextValue::StyledStrs(v) => Some(
            v.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("、"),
        ),
        ContextValue::Number(n) => Some(n.to_string()),
        ContextValue::Bool(b) => Some(b.to_string()),
        ContextValue::None => None,
        _ => None,
    }
}

/// The Chinese message of a parse error (not of help or version output, which are printed as
/// they are). Ends with how to get help.
pub fn message(e: &clap::Error) -> String {
    let arg = context(e, ContextKind::InvalidArg).unwrap_or_default();
    let value = context(e, ContextKind::InvalidValue).unwrap_or_default();
    let suggestion = context(e, ContextKind::SuggestedArg)
        .or_else(|| context(e, ContextKind::SuggestedSubcommand))
        .map(|s| format!("（是不是 {s}？）"))
        .unwrap_or_default();
    let main = match e.kind() {
        ErrorKind::InvalidValue => {
            let valid = context(e, ContextKind::ValidValue)
                .map(|v| format!("，可选：{v}"))
                .unwrap_or_default();
            if value.is_empty() {
                format!("{arg} 需要一个值{valid}")
            } else {
                format!("{arg} 的值“{value}”无效{valid}{suggestion}")
            }
        }
        ErrorKind::UnknownArgument => format!("不认识的选项或参数 {arg}{suggestion}"),
        ErrorKind::InvalidSubcommand => {
            let sub = context(e, ContextKind::InvalidSubcommand).unwrap_or(arg);
            format!("没有“{sub}”这个命令{suggestion}")
        }
        ErrorKind::NoEquals => format!("{arg} 的值应写作 {arg}=值"),
        ErrorKind::ValueValidation => {
            // Our value parsers explain in Chinese; clap's own numeric parsers do not.
            let why = std::error::Error::source(e)
                .map(|s| s.to_string())
                .map(|s| chinese_reason(&s))
                .unwrap_or_default();
            format!("{arg} 的值“{value}”无效：{why}")
        }
        ErrorKind::TooManyValues => format!("{arg} 给出的值太多（“{value}”）"),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("{arg} 给出的值个数不对")
        }
        ErrorKind::ArgumentConflict => {
            let other = context(e, ContextKind::PriorArg).unwrap_or_default();
            format!("{arg} 不能与 {other} 同时使用")
        }
        ErrorKind::MissingRequiredArgument => {
            format!("缺少必需的参数：{arg}")
        }
        ErrorKind::MissingSubcommand => {
            let valid = context(e, ContextKind::ValidSubcommand)
                .map(|v| format!("：{v}"))
                .unwrap_or_default();
            format!("缺少命令{valid}")
        }
        ErrorKind::InvalidUtf8 => "参数不是有效的 UTF-8 文本".to_owned(),
        _ => "命令行参数有误".to_owned(),
    };
    let usage = context(e, ContextKind::Usage)
        .map(|u| {
            let u = u.trim();
            let u = u.strip_prefix("Usage:").unwrap_or(u).trim();
            format!("\n用法：{u}")
        })
        .unwrap_or_default();
    format!("{main}{usage}\n用 --help 查看说明。")
}

/// A value parser's reason in Chinese: ours already are; clap's number parsers give English.
fn chinese_reason(reason: &str) -> String {
    if reason
        .chars()
        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    {
        return reason.to_owned();
    }
    if reason.contains("not in") || reason.contains("range") {
        return format!("超出允许的范围（{reason}）");
    }
    "应为整数".to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory, Parser};

    #[derive(Debug, Parser)]
    #[command(name = "t", version = "1")]
    struct T {
        #[arg(long, value_parser = ["a", "b"])]
        pick: Option<String>,
        #[arg(long)]
        n: Option<u16>,
        #[arg(long)]
        required: String,
    }

    fn error(args: &[&str]) -> String {
        let cmd = localize_root(T::command());
        match cmd.try_get_matches_from(args) {
            Ok(_) => String::new(),
            Err(e) => message(&e),
        }
    }

    /// No English from the parser: every message is Chinese and names what is wrong.
    #[test]
    fn errors_are_chinese() {
        let e = error(&["t", "--required", "x", "--pick", "c"]);
        assert!(e.contains("--pick") && e.contains("可选"), "{e}");
        let e = error(&["t", "--required", "x", "--n", "abc"]);
        assert!(e.contains("应为整数"), "{e}");
        let e = error(&["t"]);
        assert!(e.contains("缺少必需的参数"), "{e}");
        let e = error(&["t", "--required", "x", "--bogus"]);
        assert!(e.contains("不认识的选项"), "{e}");
        assert!(!e.contains("error:") && !e.contains("Usage:"), "{e}");
        let help = localize_root(T::command()).render_help().to_string();
        assert!(help.contains("用法：") && help.contains("选项"), "{help}");
        assert!(
            !help.contains("Options:") && !help.contains("Print help"),
            "{help}"
        );
    }
}
