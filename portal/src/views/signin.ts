// 登录 / Sign in (local: POST /api/session; AWS: Cognito, with the new-password
// form when Cognito asks for one). Resolves once there is a session.
import type { Lang } from '../../../functions/core/model';
import { type Session, SignInError, type SignInResult, setNewPassword, signIn } from '../auth';
import { bi, biBlock, h, replace } from '../dom';
import { T } from '../text';
import type { AuthConfig } from '../types';

export function signInView(root: HTMLElement, auth: AuthConfig, reason?: Lang): Promise<Session> {
  return new Promise((resolve) => {
    const done = (r: SignInResult) => {
      if (r.kind === 'session') resolve(r.session);
      else newPasswordForm(root, auth, r, done);
    };
    passwordForm(root, auth, reason, done);
  });
}

function field(id: string, label: Lang, attrs: Record<string, string | boolean>): { wrap: HTMLElement; input: HTMLInputElement } {
  const input = h('input', { id, name: id, required: true, ...attrs });
  return { wrap: h('div', { class: 'field' }, h('label', { for: id }, bi(label)), input), input };
}

function messageBox(id: string): HTMLElement {
  return h('div', { id, class: 'error-box', role: 'alert', hidden: true });
}

function show(box: HTMLElement, text: Lang | undefined): void {
  if (!text) {
    box.hidden = true;
    replace(box);
    return;
  }
  replace(box, biBlock(text));
  box.hidden = false;
}

function passwordForm(root: HTMLElement, auth: AuthConfig, reason: Lang | undefined, done: (r: SignInResult) => void): void {
  const email = field('signin-email', T.email, { type: 'email', autocomplete: 'username', inputmode: 'email', spellcheck: 'false' });
  const password = field('signin-password', T.password, { type: 'password', autocomplete: 'current-password' });
  const error = messageBox('signin-error');
  const submit = h('button', { type: 'submit', id: 'signin-submit', class: 'primary' }, bi(T.signIn));
  const form = h('form', { id: 'signin-form', class: 'signin', novalidate: true, 'aria-labelledby': 'signin-title' }, email.wrap, password.wrap, error, submit);
  replace(
    root,
    h(
      'section',
      { class: 'signin-page' },
      h('h1', { id: 'signin-title', tabindex: '-1' }, bi(T.signInTitle)),
      reason ? h('p', { class: 'note', id: 'signin-reason', role: 'status' }, biBlock(reason)) : null,
      h('p', { class: 'intro' }, biBlock(T.signInIntro)),
      form,
    ),
  );
  email.input.focus();
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const address = email.input.value.trim();
    if (!address || !password.input.value) {
      show(error, T.missingCredentials);
      (address ? password.input : email.input).focus();
      return;
    }
    show(error, undefined);
    submit.disabled = true;
    replace(submit, bi(T.signingIn));
    signIn(auth, address, password.input.value).then(done, (err: unknown) => {
      submit.disabled = false;
      replace(submit, bi(T.signIn));
      show(error, err instanceof SignInError ? err.text : T.signInFailed);
      password.input.select();
      password.input.focus();
    });
  });
}

function newPasswordForm(root: HTMLElement, auth: AuthConfig, pending: Extract<SignInResult, { kind: 'new-password' }>, done: (r: SignInResult) => void): void {
  const pw = field('newpw-password', T.newPassword, { type: 'password', autocomplete: 'new-password' });
  const again = field('newpw-confirm', T.confirmPassword, { type: 'password', autocomplete: 'new-password' });
  const error = messageBox('newpw-error');
  const submit = h('button', { type: 'submit', id: 'newpw-submit', class: 'primary' }, bi(T.setPassword));
  const form = h(
    'form',
    { id: 'newpw-form', class: 'signin', novalidate: true, 'aria-labelledby': 'newpw-title' },
    h('input', { type: 'email', autocomplete: 'username', value: pending.email, hidden: true, readonly: true, 'aria-hidden': 'true', tabindex: '-1' }),
    pw.wrap,
    again.wrap,
    error,
    submit,
  );
  replace(
    root,
    h('section', { class: 'signin-page' }, h('h1', { id: 'newpw-title', tabindex: '-1' }, bi(T.newPasswordTitle)), h('p', { class: 'intro', id: 'newpw-intro' }, biBlock(T.newPasswordIntro)), form),
  );
  pw.input.focus();
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const value = pw.input.value;
    if (value.length === 0) {
      show(error, T.passwordPolicy);
      pw.input.focus();
      return;
    }
    if (value !== again.input.value) {
      show(error, T.passwordsDiffer);
      again.input.focus();
      return;
    }
    show(error, undefined);
    submit.disabled = true;
    setNewPassword(auth, pending, value).then(done, (err: unknown) => {
      submit.disabled = false;
      show(error, err instanceof SignInError ? err.text : T.signInFailed);
      pw.input.focus();
    });
  });
}
