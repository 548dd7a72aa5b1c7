import type { ItSystem, Severity } from './world.ts';
import { IT_SYSTEMS } from './world.ts';

/** How people name each system in a message. */
export const SYSTEM_NAMES: Record<ItSystem, readonly string[]> = {
  vpn: ['the VPN', 'VPN'],
  email: ['email', 'my mailbox', 'Outlook'],
  laptop: ['my laptop', 'the laptop'],
  wifi: ['the Wi-Fi', 'the wifi'],
  'hr-portal': ['the HR portal', 'the hr-portal'],
  payroll: ['payroll', 'the payroll system'],
  crm: ['the CRM', 'CRM'],
  printer: ['the printer', 'the office printer'],
  wiki: ['the wiki', 'our wiki'],
  git: ['git', 'the git server'],
};

/** Ways to describe a fault of a given severity; `{system}` is one of the system's names. */
export const FAULT_TEMPLATES: Record<Severity, readonly string[]> = {
  high: [
    '{system} is down for the whole {city} office.',
    'Nobody in {department} can use {system} since this morning.',
    '{system} is not working for anyone right now.',
    'The entire team is blocked: {system} is completely down.',
    'All of us in {city} lost {system} an hour ago.',
    '{system} has been offline for everybody since 9:00.',
    'It looks like {system} crashed for the whole company.',
    'Everyone on my floor reports that {system} is dead.',
    '{system} is unavailable for all users in {city}.',
    'Total outage: {system} does not respond for anyone.',
  ],
  medium: [
    '{system} is very slow today.',
    '{system} keeps dropping every few minutes.',
    '{system} fails now and then, maybe once an hour.',
    'Since yesterday {system} freezes from time to time.',
    '{system} works, but it takes ages to load.',
    'I get random errors from {system} a few times a day.',
    '{system} disconnects me every so often.',
    'Sometimes {system} works and sometimes it times out.',
    '{system} has been sluggish all week.',
    '{system} is unreliable for me this afternoon.',
  ],
  low: [
    'A small thing: {system} shows the wrong language, but I can work around it.',
    '{system} has a cosmetic glitch, nothing urgent.',
    'Not urgent, but {system} shows an odd warning I can ignore.',
    'Minor issue: the icon of {system} looks broken.',
    '{system} has a typo in its menu, no rush.',
    'Low priority: {system} shows yesterday\'s date in a corner.',
    'A tiny annoyance with {system}, it works if I click twice.',
    'Whenever you have time: {system} shows a blank banner.',
    '{system} looks a bit off after the update, but it works.',
    'Just so you know, {system} flickers for a second when it starts.',
  ],
};

/** Ways to ask for a password reset; `{system}` is a system people sign in to. */
export const PASSWORD_TEMPLATES: readonly string[] = [
  'I forgot my password for {system}.',
  'I am locked out of {system}.',
  'Can you reset my {system} password?',
  '{system} says my password is wrong and now my account is locked.',
  'My password for {system} expired and I cannot sign in.',
  'I need a new password for {system}.',
  'I typed my {system} password wrong too many times.',
  'Please send me a reset link for {system}.',
  'I can no longer log in to {system}, I think I forgot the password.',
  'Help, {system} keeps rejecting my password.',
];

/** Examples for the handbook's "known faults" lists (fixed, not drawn from any test pool). */
export const FAULTS: { system: ItSystem; severity: Severity; example: string }[] = IT_SYSTEMS.flatMap((system) => [
  { system, severity: 'high' as const, example: `${SYSTEM_NAMES[system][0]} down for a whole office` },
  { system, severity: 'medium' as const, example: `${SYSTEM_NAMES[system][0]} slow or dropping now and then` },
]);
