import { describeLessons } from './lesson-cases';

// Every lesson but the two long online ones (lessons-online.test.ts).
const LONG = ['length-gaming', 'reward-hacking'];
describeLessons('the other lessons keep their promises (seed 0, eval seed 5)', (lesson) => !LONG.includes(lesson.id));
